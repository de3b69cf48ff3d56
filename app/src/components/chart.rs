//! One chart of a page: drawn from its model (computed in the worker) as SVG shown through an
//! `<img>` (an image cannot run script, whatever its labels hold), its numbers as a table on
//! demand, and SVG and CSV exports (CSV cells safe against formula injection).

use crate::download::download;
use crate::i18n::{Key, t};
use crate::settings::use_settings;
use crate::state::use_dataset;
use leptos::prelude::*;
use reallot_charts::csv::table_csv;
use reallot_charts::{Chart, Kind, render_svg};

/// Drawn size in CSS pixels; the image scales down to the card's width on a narrow screen.
const WIDTH: u32 = 480;
const HEIGHT: u32 = 320;

#[component]
pub fn ChartFigure(chart: Chart) -> impl IntoView {
    let settings = use_settings();
    let state = use_dataset();
    let tr = move |k: Key| move || t(settings.with(|s| s.lang), k);
    let id = chart.id.to_string();
    let title = chart.title.clone();
    let table = chart.table();
    // A list is read as its table, not drawn.
    let is_list = matches!(chart.kind, Kind::List { .. });
    let height = chart.drawn_height(HEIGHT);
    let svg = render_svg(&chart, WIDTH, height);
    let image = match &svg {
        _ if is_list => ().into_any(),
        Ok(svg) => {
            let src = format!(
                "data:image/svg+xml;charset=utf-8,{}",
                String::from(js_sys::encode_uri_component(svg))
            );
            view! { <img src=src alt=title.clone() width=WIDTH height=height /> }.into_any()
        }
        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
    };
    let export_svg = {
        let (id, svg) = (id.clone(), svg.ok());
        move |_| {
            if let Some(svg) = &svg
                && let Err(e) = download(&format!("{id}.svg"), "image/svg+xml", svg.as_bytes())
            {
                state.report(e);
            }
        }
    };
    let export_csv = {
        let (id, csv) = (id.clone(), table_csv(&table));
        move |_| {
            if let Err(e) = download(
                &format!("{id}.csv"),
                "text/csv;charset=utf-8",
                csv.as_bytes(),
            ) {
                state.report(e);
            }
        }
    };
    view! {
        <figure class=if is_list { "card chart list" } else { "card chart" } data-testid=format!("chart-{id}")>
            <figcaption>{title.clone()}</figcaption>
            {image}
            {
                let numbers = view! {
                    <table class="table wide">
                        <thead><tr>{table.header.iter().map(|h| view! { <th>{h.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {table.rows.iter().map(|r| view! { <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr> }).collect_view()}
                        </tbody>
                    </table>
                };
                if is_list {
                    view! { <div class="scroll list-table" tabindex="0">{numbers}</div> }.into_any()
                } else {
                    view! {
                        <details>
                            <summary>{tr(Key::ShowNumbers)}</summary>
                            <div class="scroll">{numbers}</div>
                        </details>
                    }
                    .into_any()
                }
            }
            <div class="row">
                {(!is_list).then(|| view! { <button data-testid="export-svg" on:click=export_svg>{tr(Key::ExportSvg)}</button> })}
                <button data-testid="export-csv" on:click=export_csv>{tr(Key::ExportCsv)}</button>
            </div>
        </figure>
    }
}
