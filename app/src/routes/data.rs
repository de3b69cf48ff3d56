//! Data page: pick or drop files, check what import detected and how columns map, import into
//! a named dataset, and manage stored datasets (switch, rename, delete, backup, restore).
//! User data is only ever rendered as text.

use crate::datasets::{format_bytes, format_date, meta_for, now_ms, random, today};
use crate::download::download;
use crate::i18n::{Key, Lang, format_int, t};
use crate::import::{
    FileEntry, default_name, field_choices, findings_table, import_files, table_choices,
};
use crate::messages::{
    Problem, example_detail, finding_text, import_error_text, problem_text, table_name,
    unreadable_file,
};
use crate::settings::use_settings;
use crate::state::{activate, open_stored, refresh, show_demo, use_dataset};
use crate::storage::{DEMO_ID, PendingImport, dataset_id, idb};
use crate::{mappings, worker};
use leptos::prelude::*;
use leptos::task::spawn_local;
use reallot_charts::csv::table_csv;
use reallot_core::codec;
use reallot_core::import::{Finding, ReadOptions, TextEncoding, clip};
use reallot_core::model::TableKind;
use reallot_worker::protocol::{Job, Progress, Reply, Stage};
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, FileList, HtmlInputElement, HtmlSelectElement};

async fn read_bytes(lang: Lang, file: &File) -> Result<Vec<u8>, String> {
    let buf = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| unreadable_file(lang, &file.name()))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

fn select_value(ev: &leptos::ev::Event) -> String {
    ev.target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

/// Reads `entry` in the worker with its current overrides; the result lands on the entry with
/// the same key, if the user has not removed it meanwhile.
fn read_in_worker(files: RwSignal<Vec<FileEntry>>, entry: &FileEntry) {
    let key = entry.key;
    let name = entry.name.clone();
    let bytes = entry.bytes.clone();
    let opts = entry.opts.clone();
    spawn_local(async move {
        let job = Job::Read { name, opts };
        let read = match worker::run(job, &[bytes.as_slice()], |_| {}).await {
            Ok((Reply::Read { file, .. }, _)) => Ok(file),
            Ok((Reply::Refused { error, .. }, _)) => Err(Problem::Job(error)),
            Ok(_) => Err(Problem::UnexpectedAnswer),
            Err(e) => Err(Problem::Text(e)),
        };
        let store = mappings::load();
        files.update(|v| {
            if let Some(f) = v.iter_mut().find(|f| f.key == key) {
                f.set_read(read, &store);
            }
        });
    });
}

/// A reactive translation of `key` in the current language.
fn tr(key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let settings = use_settings();
    move || t(settings.with(|s| s.lang), key)
}

#[component]
pub fn DataPage() -> impl IntoView {
    let state = use_dataset();
    let settings = use_settings();
    let lang = move || settings.with(|s| s.lang);
    let files = RwSignal::new(Vec::<FileEntry>::new());
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let import_error = RwSignal::new(None::<Problem>);
    let report = RwSignal::new(None::<(Vec<reallot_core::import::TableReport>, Vec<Finding>)>);
    let notice = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<Progress>);
    let next_key = RwSignal::new(0u32);

    let add_files = move |list: Vec<File>| {
        spawn_local(async move {
            for f in list {
                match read_bytes(lang(), &f).await {
                    Ok(bytes) => {
                        next_key.update(|k| *k += 1);
                        let entry = FileEntry {
                            key: next_key.get_untracked(),
                            name: f.name(),
                            bytes: Arc::new(bytes),
                            opts: ReadOptions::default(),
                            info: None,
                            edited: false,
                            remembered: false,
                        };
                        read_in_worker(files, &entry);
                        files.update(|v| v.push(entry));
                    }
                    Err(e) => import_error.set(Some(Problem::Text(e))),
                }
            }
            name.set(default_name(&files.get_untracked()));
        });
    };

    let on_pick = move |ev: leptos::ev::Event| {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
        if let Some(input) = input {
            add_files(files_of(input.files()));
            input.set_value("");
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        add_files(files_of(ev.data_transfer().and_then(|d| d.files())));
    };

    let do_import = move |_| {
        import_error.set(None);
        notice.set(None);
        report.set(None);
        let entries = files.get_untracked();
        let specs = match import_files(&entries) {
            Ok(specs) => specs,
            Err(e) => {
                import_error.set(Some(e));
                return;
            }
        };
        let label = match name.get_untracked().trim() {
            "" => default_name(&entries),
            n => n.to_owned(),
        };
        busy.set(true);
        progress.set(Some(Progress {
            stage: Stage::Parse,
            file: None,
            done: 0,
            total: 1,
        }));
        spawn_local(async move {
            // Journalled first, so a tab closed mid-import is reported on the next visit.
            let pending = PendingImport {
                id: dataset_id(now_ms(), random()),
                name: label.clone(),
                started_ms: now_ms(),
            };
            if let Err(e) = idb::begin_import(&pending).await {
                import_error.set(Some(Problem::Text(e)));
                progress.set(None);
                busy.set(false);
                return;
            }
            let bytes: Vec<&[u8]> = entries.iter().map(|e| e.bytes.as_slice()).collect();
            let job = Job::Import {
                files: specs,
                as_of: today().0,
            };
            let result = worker::run(job, &bytes, move |p| progress.set(Some(p))).await;
            progress.set(None);
            let stored = async {
                let (reply, mut out) = result.map_err(Problem::Text)?;
                let (summary, bytes) = match (reply, out.pop()) {
                    (Reply::Imported { summary, .. }, Some(bytes)) => (summary, bytes),
                    (Reply::Refused { error, .. }, _) => return Err(Problem::Job(error)),
                    _ => return Err(Problem::UnexpectedAnswer),
                };
                let ds = codec::decode(&bytes).map_err(|e| Problem::Text(e.to_string()))?;
                let meta = meta_for(&label, &ds, bytes.len(), now_ms(), random());
                idb::save(lang(), &meta, &bytes, Some(&pending.id))
                    .await
                    .map_err(Problem::Text)?;
                // The worker keeps what it built; if that fails, the pages' first job opens
                // the stored copy instead.
                let held = worker::open(&meta.id, worker::Source::Imported).await;
                activate(state, &meta, held.ok());
                Ok(summary)
            }
            .await;
            if stored.is_err() {
                // Nothing was stored; a failure to clear the record only means the next visit
                // mentions this import once more.
                let _ = idb::end_import(&pending.id).await;
            }
            match stored {
                Ok(summary) => {
                    let mut store = mappings::load();
                    for e in &entries {
                        e.remember_into(&mut store);
                    }
                    mappings::save(&store);
                    report.set(Some((summary.reports, summary.quality)));
                    files.set(Vec::new());
                    refresh(state).await;
                }
                Err(Problem::Text(e)) if e == worker::CANCELLED => {
                    notice.set(Some(t(lang(), Key::ImportCancelled).to_owned()));
                }
                Err(e) => import_error.set(Some(e)),
            }
            busy.set(false);
        });
    };

    let on_restore = move |ev: leptos::ev::Event| {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
        let Some(input) = input else { return };
        let picked = files_of(input.files());
        input.set_value("");
        spawn_local(async move {
            for f in picked {
                let result = async {
                    let bytes = read_bytes(lang(), &f).await?;
                    let ds = codec::decode(&bytes).map_err(|e| format!("{}: {e}", f.name()))?;
                    let stem = f.name();
                    let label = stem.strip_suffix(".reallot").unwrap_or(&stem).to_owned();
                    let meta = meta_for(&label, &ds, bytes.len(), now_ms(), random());
                    idb::save(lang(), &meta, &bytes, None).await?;
                    activate(state, &meta, None);
                    Ok::<_, String>(label)
                }
                .await;
                match result {
                    Ok(label) => notice.set(Some(format!("{} {label}", t(lang(), Key::Restored)))),
                    Err(e) => state.report(e),
                }
            }
            refresh(state).await;
        });
    };

    view! {
        <section class="page" data-testid="page-data">
            <h1>{tr(Key::Data)}</h1>
            <p>
                {tr(Key::CurrentDataset)}
                ": "
                <strong data-testid="current-dataset">{move || state.name.get()}</strong>
            </p>
            {move || notice.get().map(|n| view! { <p class="notice" data-testid="notice">{n}</p> })}

            <div class="card">
                <h2>{tr(Key::ImportFiles)}</h2>
                <label
                    class="dropzone"
                    on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
                    on:drop=on_drop
                >
                    {tr(Key::DropHint)}
                    " "
                    <input type="file" multiple data-testid="file-input" on:change=on_pick />
                </label>
                {move || {
                    files
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(index, entry)| view! { <FileCard index entry files /> })
                        .collect_view()
                }}
                <div class="row">
                    <label>
                        {tr(Key::DatasetName)}
                        " "
                        <input
                            type="text"
                            data-testid="dataset-name"
                            prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))
                        />
                    </label>
                    <button
                        data-testid="import-button"
                        disabled=move || busy.get() || files.with(Vec::is_empty)
                        on:click=do_import
                    >
                        {tr(Key::Import)}
                    </button>
                    <button on:click=move |_| files.set(Vec::new())>{tr(Key::Clear)}</button>
                </div>
                {move || {
                    progress
                        .get()
                        .map(|p| {
                            let l = lang();
                            let what = match (p.stage, p.file) {
                                (Stage::Parse, Some(f)) => format!("{} {f}", t(l, Key::Reading)),
                                (Stage::Load, Some(f)) => format!("{} {f}", t(l, Key::Loading)),
                                (Stage::Check, _) => t(l, Key::Checking).to_owned(),
                                (Stage::Encode, _) => t(l, Key::Packing).to_owned(),
                                _ => t(l, Key::Starting).to_owned(),
                            };
                            view! {
                                <div class="row" data-testid="import-progress">
                                    <progress data-testid="progress" max=p.total value=p.done></progress>
                                    <span class="muted">{what}</span>
                                    <button data-testid="cancel" on:click=move |_| worker::cancel()>
                                        {tr(Key::Cancel)}
                                    </button>
                                </div>
                            }
                        })
                }}
                {move || {
                    import_error
                        .get()
                        .map(|e| view! { <p class="error" data-testid="import-error">{problem_text(lang(), &e)}</p> })
                }}
                {move || report.get().map(|(reports, quality)| view! { <ImportReport reports quality /> })}
            </div>

            <div class="card">
                <h2>{tr(Key::Datasets)}</h2>
                <p class="muted" data-testid="storage-estimate">
                    {move || match state.estimate.get() {
                        Some((used, quota)) => {
                            format!("{}: {} / {}", t(lang(), Key::StorageUsed), format_bytes(used), format_bytes(quota))
                        }
                        None => t(lang(), Key::StorageUnknown).to_owned(),
                    }}
                    {move || match state.persisted.get() {
                        Some(true) => format!(" · {}", t(lang(), Key::Persistent)),
                        Some(false) => format!(" · {}", t(lang(), Key::BestEffort)),
                        None => String::new(),
                    }}
                </p>
                <table class="table wide" data-testid="datasets">
                    <thead>
                        <tr>
                            <th>{tr(Key::Name)}</th>
                            <th class="num">{tr(Key::Rows)}</th>
                            <th class="num">{tr(Key::Size)}</th>
                            <th>{tr(Key::Imported)}</th>
                            <th></th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr data-testid="dataset-row-demo">
                            <td>{tr(Key::DemoName)}</td>
                            <td class="num">"—"</td>
                            <td class="num">"—"</td>
                            <td>{tr(Key::BuiltIn)}</td>
                            <td>
                                <button
                                    disabled=move || state.id.get() == DEMO_ID
                                    on:click=move |_| show_demo(state)
                                >
                                    {tr(Key::Open)}
                                </button>
                            </td>
                        </tr>
                        <For
                            each=move || state.stored.get()
                            key=|m| (m.id.clone(), m.name.clone())
                            let:meta
                        >
                            <DatasetRow meta />
                        </For>
                    </tbody>
                </table>
                <label class="row">
                    {tr(Key::RestoreFrom)}
                    " "
                    <input type="file" accept=".reallot" data-testid="restore-input" on:change=on_restore />
                </label>
            </div>
        </section>
    }
}

#[component]
fn FileCard(index: usize, entry: FileEntry, files: RwSignal<Vec<FileEntry>>) -> impl IntoView {
    let settings = use_settings();
    let lang = move || settings.with(|s| s.lang);
    let reread = move |change: Box<dyn Fn(&mut ReadOptions) + Send + Sync>| {
        files.update(|v| {
            if let Some(f) = v.get_mut(index) {
                change(&mut f.opts);
                read_in_worker(files, f);
            }
        });
    };
    let remove = move |_| {
        files.update(|v| {
            if index < v.len() {
                v.remove(index);
            }
        })
    };
    let body = match &entry.info {
        None => view! { <p class="muted" data-testid="file-reading">{tr(Key::Reading)} "…"</p> }
            .into_any(),
        Some(Err(e)) => {
            let e = e.clone();
            view! { <p class="error" data-testid="file-error">{move || problem_text(lang(), &e)}</p> }
                .into_any()
        }
        Some(Ok(p)) => {
            let enc = p.encoding.map_or("—", TextEncoding::as_str);
            let delim = p.delimiter.map_or("—".to_owned(), |d| {
                if d == '\t' {
                    "tab".to_owned()
                } else {
                    d.to_string()
                }
            });
            let table = p.mapping.as_ref().map(|m| m.table);
            let mapping = p.mapping.clone();
            let headers = p.headers.clone();
            let preview = p.preview.clone();
            let rows = p.rows;
            let format = p.format;
            let unknown_table = p.unknown_table.clone();
            let header_row = p.header_row;
            let enc = enc.to_owned();
            let delim = delim.clone();
            view! {
                <p class="muted" data-testid="file-detected">
                    {move || {
                        let l = lang();
                        format!(
                            "{:?} · {} {enc} · {} {delim} · {} {} · {} {}",
                            format,
                            t(l, Key::Encoding),
                            t(l, Key::Delimiter),
                            t(l, Key::HeaderRow),
                            header_row,
                            t(l, Key::Rows),
                            format_int(rows as i64),
                        )
                    }}
                </p>
                <div class="row">
                    <label>
                        {tr(Key::Encoding)}
                        " "
                        <select
                            data-testid=format!("encoding-{index}")
                            on:change=move |ev| {
                                let v = select_value(&ev);
                                reread(Box::new(move |o| o.encoding = TextEncoding::parse(&v)));
                            }
                        >
                            <option value="" selected=entry.opts.encoding.is_none()>{tr(Key::Auto)}</option>
                            {[TextEncoding::Utf8, TextEncoding::Utf8Bom, TextEncoding::Utf16Le, TextEncoding::Utf16Be, TextEncoding::Gb18030]
                                .into_iter()
                                .map(|e| view! { <option value=e.as_str() selected=entry.opts.encoding == Some(e)>{e.as_str()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        {tr(Key::Delimiter)}
                        " "
                        <select
                            data-testid=format!("delimiter-{index}")
                            on:change=move |ev| {
                                let v = select_value(&ev);
                                reread(Box::new(move |o| o.delimiter = match v.as_str() { "tab" => Some('\t'), s => s.chars().next() }));
                            }
                        >
                            <option value="" selected=entry.opts.delimiter.is_none()>{tr(Key::Auto)}</option>
                            {[(",", ','), (";", ';'), ("tab", '\t'), ("|", '|')]
                                .into_iter()
                                .map(|(label, c)| view! { <option value=label selected=entry.opts.delimiter == Some(c)>{label}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        {tr(Key::Table)}
                        " "
                        <select
                            data-testid=format!("table-{index}")
                            on:change=move |ev| {
                                let v = select_value(&ev);
                                reread(Box::new(move |o| o.table = TableKind::parse(&v)));
                            }
                        >
                            <option value="" selected=table.is_none()>{tr(Key::Unknown)}</option>
                            {table_choices()
                                .iter()
                                .map(|k| view! { <option value=k.as_str() selected=table == Some(*k)>{k.as_str()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                </div>
                {unknown_table.map(|e| view! {
                    <p class="error" data-testid="file-error">{move || import_error_text(lang(), &e)}</p>
                })}
                {entry.remembered.then(|| view! {
                    <p class="notice" data-testid=format!("remembered-{index}")>{tr(Key::Remembered)}</p>
                })}
                {mapping.map(|m| {
                    let fields = field_choices(m.table);
                    view! {
                        <table class="table wide" data-testid=format!("mapping-{index}")>
                            <thead><tr><th>{tr(Key::Column)}</th><th>{tr(Key::Field)}</th><th class="num">{tr(Key::Confidence)}</th></tr></thead>
                            <tbody>
                                {m.columns.iter().enumerate().map(|(col, c)| {
                                    let current = c.field.clone();
                                    let fields = fields.clone();
                                    view! {
                                        <tr>
                                            <td>{clip(&c.source)}</td>
                                            <td>
                                                <select
                                                    data-testid=format!("map-{index}-{col}")
                                                    aria-label=format!("{}: {}", t(lang(), Key::Field), c.source)
                                                    on:change=move |ev| {
                                                        let v = select_value(&ev);
                                                        files.update(|all| {
                                                            if let Some(f) = all.get_mut(index) {
                                                                f.set_field(col, (!v.is_empty()).then_some(v.as_str()));
                                                            }
                                                        });
                                                    }
                                                >
                                                    <option value="" selected=current.is_none()>{tr(Key::NotImported)}</option>
                                                    {fields.into_iter().map(|f| view! { <option value=f selected=current.as_deref() == Some(f)>{f}</option> }).collect_view()}
                                                </select>
                                            </td>
                                            <td class="num">{format!("{:.0}%", c.confidence * 100.0)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                })}
                <div class="scroll">
                    <table class="table wide preview" data-testid=format!("preview-{index}")>
                        <thead><tr>{headers.into_iter().map(|h| view! { <th>{h}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {preview.into_iter().map(|r| view! { <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <FindingList findings=p.findings.clone() />
            }
            .into_any()
        }
    };
    view! {
        <div class="filecard" data-testid=format!("file-{index}")>
            <h3>
                {entry.name.clone()}
                " "
                <button on:click=remove>{tr(Key::Remove)}</button>
            </h3>
            {body}
        </div>
    }
}

#[component]
fn FindingList(findings: Vec<Finding>) -> impl IntoView {
    let lang = use_settings().with_untracked(|s| s.lang);
    view! {
        <ul class="findings" data-testid="findings">
            {findings
                .into_iter()
                .map(|f| {
                    let place: Vec<String> = f
                        .table
                        .map(|t| table_name(lang, t).to_owned())
                        .into_iter()
                        .chain(f.column.clone())
                        .collect();
                    let head = format!("{}: {} ({})", place.join(" "), finding_text(lang, &f), f.count);
                    let kind = f.kind;
                    view! {
                        <li>
                            {head}
                            <ul>
                                {f.examples
                                    .into_iter()
                                    .map(|e| {
                                        let detail = e
                                            .detail
                                            .map(|d| format!(" — {}", example_detail(lang, kind, &d)))
                                            .unwrap_or_default();
                                        let row = t(lang, Key::Row);
                                        view! { <li>{format!("{row} {}: {:?}{detail}", e.row, e.value)}</li> }
                                    })
                                    .collect_view()}
                            </ul>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn ImportReport(
    reports: Vec<reallot_core::import::TableReport>,
    quality: Vec<Finding>,
) -> impl IntoView {
    let all: Vec<Finding> = reports
        .iter()
        .flat_map(|r| r.findings.iter().cloned())
        .chain(quality)
        .collect();
    let state = use_dataset();
    let settings = use_settings();
    let export = {
        let all = all.clone();
        move |_| {
            let csv = table_csv(&findings_table(&all));
            if let Err(e) = download("findings.csv", "text/csv;charset=utf-8", csv.as_bytes()) {
                state.report(e);
            }
        }
    };
    view! {
        <div data-testid="import-report">
            <div class="row">
                <h3>{tr(Key::QualityReport)}</h3>
                <button data-testid="export-findings" on:click=export>{tr(Key::ExportCsv)}</button>
            </div>
            <table class="table wide">
                <thead><tr><th>{tr(Key::File)}</th><th>{tr(Key::Table)}</th><th class="num">{tr(Key::RowsRead)}</th><th class="num">{tr(Key::RowsKept)}</th><th class="num">{tr(Key::RowsDropped)}</th><th class="num">{tr(Key::RowsAltered)}</th></tr></thead>
                <tbody>
                    {reports.iter().map(|r| view! {
                        <tr>
                            <td>{r.file.clone()}</td>
                            <td>{let table = r.table; move || table_name(settings.with(|s| s.lang), table)}</td>
                            <td class="num">{format_int(r.rows_read as i64)}</td>
                            <td class="num">{format_int(r.rows_kept as i64)}</td>
                            <td class="num">{format_int(r.rows_dropped as i64)}</td>
                            <td class="num">{format_int(r.rows_altered as i64)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <FindingList findings=all />
        </div>
    }
}

#[component]
fn DatasetRow(meta: crate::storage::DatasetMeta) -> impl IntoView {
    let state = use_dataset();
    let settings = use_settings();
    let lang = move || settings.with(|s| s.lang);
    let id = meta.id.clone();
    let confirming = RwSignal::new(false);
    let renaming = RwSignal::new(None::<String>);
    let testid = format!("dataset-row-{}", meta.name);
    let created_ms = meta.created_ms;
    let open = {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            spawn_local(async move {
                if let Err(e) = open_stored(state, &id).await {
                    state.report(e);
                }
            });
        }
    };
    let delete = {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            spawn_local(async move {
                match idb::delete(&id).await {
                    Ok(()) => {
                        if state.id.get_untracked() == id {
                            show_demo(state);
                        }
                    }
                    Err(e) => state.report(e),
                }
                refresh(state).await;
            });
        }
    };
    let backup = {
        let id = id.clone();
        let name = meta.name.clone();
        move |_| {
            let id = id.clone();
            let name = name.clone();
            spawn_local(async move {
                let result = match idb::load_bytes(&id).await {
                    Ok(bytes) => download(
                        &format!("{name}.reallot"),
                        "application/octet-stream",
                        &bytes,
                    ),
                    Err(e) => Err(e),
                };
                if let Err(e) = result {
                    state.report(e);
                }
            });
        }
    };
    let save_name = {
        let id = id.clone();
        move |_| {
            let Some(new) = renaming.get_untracked() else {
                return;
            };
            let id = id.clone();
            spawn_local(async move {
                let new = new.trim().to_owned();
                if new.is_empty() {
                    return;
                }
                match idb::rename(&id, &new).await {
                    Ok(()) => {
                        if state.id.get_untracked() == id {
                            state.name.set(new);
                        }
                    }
                    Err(e) => state.report(e),
                }
                refresh(state).await;
            });
        }
    };
    let active = {
        let id = id.clone();
        Memo::new(move |_| state.id.with(|a| *a == id))
    };
    let name = meta.name.clone();
    view! {
        <tr data-testid=testid class:active=active>
            <td>
                {move || match renaming.get() {
                    None => view! { <span data-testid="dataset-name-cell">{name.clone()}</span> }.into_any(),
                    Some(v) => view! {
                        <input type="text" data-testid="rename-input" prop:value=v on:input=move |ev| renaming.set(Some(event_target_value(&ev))) />
                        <button data-testid="rename-save" on:click=save_name.clone()>{tr(Key::Save)}</button>
                    }.into_any(),
                }}
            </td>
            <td class="num">{format_int(meta.rows as i64)}</td>
            <td class="num">{format_bytes(meta.bytes as f64)}</td>
            <td>{move || format_date(lang(), created_ms)}</td>
            <td class="actions">
                <button data-testid="dataset-open" disabled=active on:click=open>{tr(Key::Open)}</button>
                <button data-testid="dataset-rename" on:click={
                    let n = meta.name.clone();
                    move |_| renaming.set(Some(n.clone()))
                }>{tr(Key::Rename)}</button>
                <button data-testid="dataset-backup" on:click=backup>{tr(Key::Backup)}</button>
                {move || if confirming.get() {
                    view! {
                        <button class="danger" data-testid="dataset-delete-confirm" on:click=delete.clone()>{tr(Key::DeleteForGood)}</button>
                        <button on:click=move |_| confirming.set(false)>{tr(Key::Keep)}</button>
                    }.into_any()
                } else {
                    view! { <button data-testid="dataset-delete" on:click=move |_| confirming.set(true)>{tr(Key::Delete)}</button> }.into_any()
                }}
            </td>
        </tr>
    }
}
