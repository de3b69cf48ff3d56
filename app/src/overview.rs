//! What the Overview page shows, as plain data. Its KPI numbers are
//! computed in the worker ([`reallot_worker::jobs::Session::overview`]); here they are worded
//! for a language: card titles, values, the change on the period before, and the alerts.

use crate::i18n::{Lang, format_compact, format_int};
use reallot_core::model::TableKind;
use reallot_worker::protocol::{Alert, AlertKind, KpiCard, KpiKind};
use reallot_worker::summary::DatasetSummary;

/// A card's title.
pub fn card_title(kind: KpiKind, lang: Lang) -> &'static str {
    let (en, zh) = match kind {
        KpiKind::Leads => ("Leads", "线索数"),
        KpiKind::Conversion => ("Conversion", "转化率"),
        KpiKind::Revenue => ("Revenue", "销售额"),
        KpiKind::ResponseHours => ("Median response", "响应时间中位数"),
        KpiKind::RepeatRate => ("Repeat-purchase rate", "复购率"),
        KpiKind::Retention => ("Customer retention", "客户留存率"),
        KpiKind::Reclaims => ("Reclaims", "回收数"),
    };
    pick(lang, en, zh)
}

fn pick(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::ZhCn => zh,
    }
}

/// The test id of a card (`kpi-<id>`).
pub fn card_id(kind: KpiKind) -> &'static str {
    match kind {
        KpiKind::Leads => "leads",
        KpiKind::Conversion => "conversion",
        KpiKind::Revenue => "revenue",
        KpiKind::ResponseHours => "response",
        KpiKind::RepeatRate => "repeat",
        KpiKind::Retention => "retention",
        KpiKind::Reclaims => "reclaims",
    }
}

/// A value of a card's kind ("—" when unknown).
pub fn card_value(kind: KpiKind, v: Option<f64>, currency: &str, lang: Lang) -> String {
    let Some(v) = v.filter(|v| v.is_finite()) else {
        return "—".to_owned();
    };
    match kind {
        KpiKind::Leads | KpiKind::Reclaims => format_int(v.round() as i64),
        // Whole currency units, shortened (¥2.1亿, ¥213.8M): a card is narrow.
        KpiKind::Revenue => format!(
            "{currency}{}",
            format_compact(lang, (v / 100.0).round() as i64)
        ),
        KpiKind::ResponseHours => format!("{v:.1} h"),
        KpiKind::Conversion | KpiKind::RepeatRate | KpiKind::Retention => {
            format!("{:.1}%", v * 100.0)
        }
    }
}

/// Whether a change is good news, bad news or neither.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tone {
    Good,
    Bad,
    Flat,
}

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Tone::Good => "change good",
            Tone::Bad => "change bad",
            Tone::Flat => "change",
        }
    }
}

/// The change on the period before, worded ("▲ +3.2% vs previous period"; shares in
/// percentage points), and its tone: slower responses and more reclaims are bad news.
pub fn card_change(card: &KpiCard, lang: Lang) -> (String, Tone) {
    let vs = pick(lang, "vs previous period", "较上一期");
    let Some(c) = card.change().filter(|c| c.is_finite()) else {
        return (format!("— {vs}"), Tone::Flat);
    };
    let text = if card.kind.is_share() {
        format!("{:+.1} pp", c * 100.0)
    } else {
        format!("{:+.1}%", c * 100.0)
    };
    let lower_is_better = matches!(card.kind, KpiKind::ResponseHours | KpiKind::Reclaims);
    let (arrow, tone) = if c.abs() < 1e-9 {
        ("■", Tone::Flat)
    } else if (c > 0.0) != lower_is_better {
        (if c > 0.0 { "▲" } else { "▼" }, Tone::Good)
    } else {
        (if c > 0.0 { "▲" } else { "▼" }, Tone::Bad)
    };
    (format!("{arrow} {text} {vs}"), tone)
}

/// The test id suffix of an alert (`alert-<id>`).
pub fn alert_id(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::OverCapacity => "capacity",
        AlertKind::Uncontacted => "uncontacted",
        AlertKind::OverdueKey => "overdue",
    }
}

/// An alert's headline with its count.
pub fn alert_title(alert: &Alert, lang: Lang) -> String {
    let n = format_int(alert.count as i64);
    match (alert.kind, lang) {
        (AlertKind::OverCapacity, Lang::En) => format!("{n} reps over capacity"),
        (AlertKind::OverCapacity, Lang::ZhCn) => format!("{n} 名销售超出容量"),
        (AlertKind::Uncontacted, Lang::En) => {
            format!("{n} open leads never contacted beyond the SLA")
        }
        (AlertKind::Uncontacted, Lang::ZhCn) => format!("{n} 条未跟进线索超过 SLA"),
        (AlertKind::OverdueKey, Lang::En) => {
            format!("{n} key customers overdue to reorder")
        }
        (AlertKind::OverdueKey, Lang::ZhCn) => format!("{n} 位重点客户逾期未复购"),
    }
}

/// One listed item of an alert: the id and how far past its limit it is.
pub fn alert_item(kind: AlertKind, id: &str, value: f64, limit: f64, lang: Lang) -> String {
    match kind {
        AlertKind::OverCapacity => format!(
            "{id}: {} / {} {}",
            format_int(value as i64),
            format_int(limit as i64),
            pick(lang, "open leads", "条在跟线索")
        ),
        AlertKind::Uncontacted => format!(
            "{id}: {} {}",
            format_int(value.floor() as i64),
            pick(lang, "h since assignment", "小时未联系")
        ),
        AlertKind::OverdueKey => format!(
            "{id}: {} {} ({} {})",
            format_int(value as i64),
            pick(lang, "days since the last order", "天未下单"),
            pick(lang, "expected within", "应在"),
            match lang {
                Lang::En => format!("{} days", limit.round()),
                Lang::ZhCn => format!("{} 天内", limit.round()),
            }
        ),
    }
}

/// One row of the table-sizes card: the canonical table name and its row count.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TableSizeRow {
    pub table: &'static str,
    pub rows: usize,
}

/// Rows per table as the worker reported them.
pub fn table_sizes(summary: &DatasetSummary) -> Vec<TableSizeRow> {
    TableKind::ALL
        .iter()
        .map(|k| TableSizeRow {
            table: k.as_str(),
            rows: summary
                .sizes
                .iter()
                .find(|(t, _)| t == k)
                .map_or(0, |(_, n)| *n),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::filters::Filters;
    use crate::settings::Settings;
    use reallot_core::Dataset;
    use reallot_worker::jobs::Session;

    #[test]
    fn the_workers_kpis_obey_the_region_filter() {
        let mut ds = Dataset::new();
        let fields = TableKind::Leads.fields();
        let col = |name: &str| fields.iter().position(|f| f.name == name).expect("field");
        for (id, region, stage) in [
            ("L1", "east", "won"),
            ("L2", "east", "lost"),
            ("L3", "west", "won"),
        ] {
            let mut v = vec![""; fields.len()];
            v[col("lead_id")] = id;
            v[col("created_at")] = "2024-01-02";
            v[col("region")] = region;
            v[col("assigned_rep_id")] = "R1";
            v[col("assigned_at")] = "2024-01-02";
            v[col("stage")] = stage;
            v[col("won_at")] = if stage == "won" { "2024-01-05" } else { "" };
            v[col("lost_at")] = if stage == "lost" { "2024-01-05" } else { "" };
            assert!(ds.push_record(TableKind::Leads, &v).kept);
        }
        let settings = Settings::default();
        let mut session = Session::default();
        session.hold("t", ds);
        let all = session
            .overview("t", &Filters::default().config(&settings), 365)
            .expect("measured");
        assert_eq!((all.leads, all.assigned, all.won), (3, 3, 2));
        assert_eq!(all.revenue, 0, "no orders");
        assert_eq!(
            session.active_customers("t", &Filters::default().config(&settings), 365),
            Ok(None),
            "no customers to fit"
        );
        let east = Filters {
            region: Some("east".into()),
            ..Filters::default()
        };
        let east = session
            .overview("t", &east.config(&settings), 365)
            .expect("measured");
        assert_eq!((east.leads, east.assigned, east.won), (2, 2, 1));
        assert_eq!(east.conversion(), Some(0.5));
    }

    #[test]
    fn cards_and_alerts_are_worded_with_their_direction() {
        let card = |kind, value, previous| KpiCard {
            kind,
            value: Some(value),
            previous: Some(previous),
            trend: Vec::new(),
        };
        let up = card(KpiKind::Revenue, 1_200.0, 1_000.0);
        assert_eq!(
            card_change(&up, Lang::En),
            ("▲ +20.0% vs previous period".to_owned(), Tone::Good)
        );
        let slower = card(KpiKind::ResponseHours, 30.0, 20.0);
        assert_eq!(card_change(&slower, Lang::ZhCn).1, Tone::Bad);
        assert_eq!(card_change(&slower, Lang::ZhCn).0, "▲ +50.0% 较上一期");
        let share = card(KpiKind::Conversion, 0.25, 0.3);
        assert_eq!(
            card_change(&share, Lang::En),
            ("▼ -5.0 pp vs previous period".to_owned(), Tone::Bad)
        );
        let unknown = KpiCard {
            previous: None,
            ..share.clone()
        };
        assert_eq!(card_change(&unknown, Lang::En).1, Tone::Flat);
        assert_eq!(
            card_value(KpiKind::Conversion, Some(0.25), "¥", Lang::En),
            "25.0%"
        );
        assert_eq!(
            card_value(KpiKind::Leads, Some(12_345.0), "¥", Lang::En),
            "12,345"
        );
        assert_eq!(card_value(KpiKind::ResponseHours, None, "¥", Lang::En), "—");
        assert_eq!(
            card_value(KpiKind::Revenue, Some(21_376_474_633.0), "¥", Lang::ZhCn),
            format!("¥{}", format_compact(Lang::ZhCn, 213_764_746))
        );
        let alert = Alert {
            kind: AlertKind::OverCapacity,
            count: 3,
            top: Vec::new(),
        };
        assert_eq!(alert_title(&alert, Lang::En), "3 reps over capacity");
        assert_eq!(
            alert_item(AlertKind::OverCapacity, "R7", 45.0, 30.0, Lang::En),
            "R7: 45 / 30 open leads"
        );
        assert_eq!(
            alert_item(AlertKind::Uncontacted, "L1", 50.5, 24.0, Lang::En),
            "L1: 50 h since assignment"
        );
    }

    #[test]
    fn lists_every_table_with_its_rows() {
        let mut ds = Dataset::new();
        ds.push_record(TableKind::Reps, &["R1"]);
        ds.push_record(TableKind::Reps, &["R2"]);
        let rows = table_sizes(&DatasetSummary::of(&ds));
        assert_eq!(rows.len(), 8);
        assert_eq!(
            rows[0],
            TableSizeRow {
                table: "reps",
                rows: 2
            }
        );
        assert!(rows[1..].iter().all(|r| r.rows == 0));
        let unreported = table_sizes(&DatasetSummary::default());
        assert_eq!(unreported.len(), 8);
        assert!(unreported.iter().all(|r| r.rows == 0));
    }
}
