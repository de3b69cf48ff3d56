//! The UI languages (zh-CN and English): a typed string table and locale-aware number and
//! money formatting.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum Lang {
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The language for a browser language tag: any Chinese tag gives zh-CN, else English.
    pub fn from_tag(tag: &str) -> Self {
        if tag.trim().to_ascii_lowercase().starts_with("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }

    pub const fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's own name, for the picker.
    pub const fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }
}

/// Every translated UI string.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Key {
    Overview,
    Data,
    Leads,
    Customers,
    Pool,
    Simulator,
    RepView,
    Settings,
    Language,
    Currency,
    SlaHours,
    WindowDays,
    HorizonDays,
    Margin,
    DiscountRate,
    OverdueFactor,
    Storage,
    FilterFrom,
    FilterTo,
    Region,
    Team,
    CustomerType,
    AllValues,
    ResetFilters,
    LeadsInScope,
    WonLeads,
    ConversionRate,
    Tables,
    Table,
    Rows,
    DatasetLabel,
}

impl Key {
    pub const ALL: [Key; 31] = [
        Key::Overview,
        Key::Data,
        Key::Leads,
        Key::Customers,
        Key::Pool,
        Key::Simulator,
        Key::RepView,
        Key::Settings,
        Key::Language,
        Key::Currency,
        Key::SlaHours,
        Key::WindowDays,
        Key::HorizonDays,
        Key::Margin,
        Key::DiscountRate,
        Key::OverdueFactor,
        Key::Storage,
        Key::FilterFrom,
        Key::FilterTo,
        Key::Region,
        Key::Team,
        Key::CustomerType,
        Key::AllValues,
        Key::ResetFilters,
        Key::LeadsInScope,
        Key::WonLeads,
        Key::ConversionRate,
        Key::Tables,
        Key::Table,
        Key::Rows,
        Key::DatasetLabel,
    ];
}

/// The text of `key` in `lang`.
pub const fn t(lang: Lang, key: Key) -> &'static str {
    let (en, zh) = match key {
        Key::Overview => ("Overview", "概览"),
        Key::Data => ("Data", "数据"),
        Key::Leads => ("Leads", "线索"),
        Key::Customers => ("Customers", "客户"),
        Key::Pool => ("Pool", "公海"),
        Key::Simulator => ("Simulator", "模拟"),
        Key::RepView => ("Rep view", "销售视图"),
        Key::Settings => ("Settings", "设置"),
        Key::Language => ("Language", "语言"),
        Key::Currency => ("Currency symbol", "货币符号"),
        Key::SlaHours => ("Response SLA (hours)", "响应时限（小时）"),
        Key::WindowDays => ("Analysis window (days)", "分析窗口（天）"),
        Key::HorizonDays => ("CLV horizon (days)", "CLV 预测期（天）"),
        Key::Margin => ("Gross margin", "毛利率"),
        Key::DiscountRate => ("Annual discount rate", "年折现率"),
        Key::OverdueFactor => ("Overdue factor k", "逾期系数 k"),
        Key::Storage => ("Storage", "存储"),
        Key::FilterFrom => ("From", "开始日期"),
        Key::FilterTo => ("To", "结束日期"),
        Key::Region => ("Region", "区域"),
        Key::Team => ("Team", "团队"),
        Key::CustomerType => ("Customer type", "客户类型"),
        Key::AllValues => ("All", "全部"),
        Key::ResetFilters => ("Reset filters", "重置筛选"),
        Key::LeadsInScope => ("Leads", "线索数"),
        Key::WonLeads => ("Won", "赢单数"),
        Key::ConversionRate => ("Conversion rate", "转化率"),
        Key::Tables => ("Tables", "数据表"),
        Key::Table => ("Table", "表"),
        Key::Rows => ("Rows", "行数"),
        Key::DatasetLabel => ("Dataset", "数据集"),
    };
    match lang {
        Lang::En => en,
        Lang::ZhCn => zh,
    }
}

/// An integer with thousands separators (both locales group by three with commas).
pub fn format_int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Money from integer minor units, e.g. `¥1,234.50`.
pub fn format_money(symbol: &str, minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let major = i64::try_from(abs / 100).unwrap_or(i64::MAX);
    format!("{sign}{symbol}{}.{:02}", format_int(major), abs % 100)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn picks_the_language_from_the_browser_tag() {
        assert_eq!(Lang::from_tag("zh-CN"), Lang::ZhCn);
        assert_eq!(Lang::from_tag("zh-Hans-CN"), Lang::ZhCn);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }

    #[test]
    fn every_key_has_distinct_non_empty_texts() {
        for k in Key::ALL {
            let (en, zh) = (t(Lang::En, k), t(Lang::ZhCn, k));
            assert!(!en.is_empty() && !zh.is_empty() && en != zh, "{k:?}");
        }
    }

    #[test]
    fn formats_numbers_and_money() {
        assert_eq!(format_int(0), "0");
        assert_eq!(format_int(1_234_567), "1,234,567");
        assert_eq!(format_int(-1000), "-1,000");
        assert_eq!(format_money("¥", 123_450), "¥1,234.50");
        assert_eq!(format_money("$", -5), "-$0.05");
    }
}
