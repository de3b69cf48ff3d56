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
    Tables,
    Table,
    Rows,
    DatasetLabel,
    CurrentDataset,
    ImportFiles,
    DropHint,
    DatasetName,
    Import,
    Clear,
    Datasets,
    StorageUsed,
    StorageUnknown,
    Persistent,
    BestEffort,
    Name,
    Size,
    Imported,
    BuiltIn,
    DemoName,
    Open,
    RestoreFrom,
    Reading,
    Loading,
    Checking,
    Packing,
    Starting,
    Cancel,
    ImportCancelled,
    Restored,
    Remove,
    Encoding,
    Delimiter,
    HeaderRow,
    Auto,
    Unknown,
    Column,
    Field,
    Confidence,
    NotImported,
    Row,
    QualityReport,
    File,
    RowsRead,
    RowsKept,
    RowsDropped,
    RowsAltered,
    Save,
    Rename,
    Backup,
    Delete,
    DeleteForGood,
    Keep,
    PageNotFound,
    BestEffortShort,
    Remembered,
    Dismiss,
    ImportInterrupted,
    ExportCsv,
    ActiveCustomers,
    ShowNumbers,
    ExportSvg,
    Computing,
    RepPick,
    RepPickPrompt,
    RepPickHint,
    RepUnknown,
    MyOpenLeads,
    ReorderList,
    AtRiskList,
    VisitList,
    WinChance,
    ExpectedValue,
    ReclaimIn,
    ReclaimPast,
    NoReclaim,
    ReasonReclaimSoon,
    ReasonReorderOverdue,
    ReasonReorderDue,
    ReasonAtRisk,
    AverageOrder,
    AliveChance,
    LastYear,
    AtStake,
    NothingToday,
    AsOfDate,
}

impl Key {
    pub const ALL: [Key; 110] = [
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
        Key::Tables,
        Key::Table,
        Key::Rows,
        Key::DatasetLabel,
        Key::CurrentDataset,
        Key::ImportFiles,
        Key::DropHint,
        Key::DatasetName,
        Key::Import,
        Key::Clear,
        Key::Datasets,
        Key::StorageUsed,
        Key::StorageUnknown,
        Key::Persistent,
        Key::BestEffort,
        Key::Name,
        Key::Size,
        Key::Imported,
        Key::BuiltIn,
        Key::DemoName,
        Key::Open,
        Key::RestoreFrom,
        Key::Reading,
        Key::Loading,
        Key::Checking,
        Key::Packing,
        Key::Starting,
        Key::Cancel,
        Key::ImportCancelled,
        Key::Dismiss,
        Key::ImportInterrupted,
        Key::ExportCsv,
        Key::ActiveCustomers,
        Key::ShowNumbers,
        Key::ExportSvg,
        Key::Computing,
        Key::Restored,
        Key::Remove,
        Key::Encoding,
        Key::Delimiter,
        Key::HeaderRow,
        Key::Auto,
        Key::Unknown,
        Key::Column,
        Key::Field,
        Key::Confidence,
        Key::NotImported,
        Key::Row,
        Key::QualityReport,
        Key::File,
        Key::RowsRead,
        Key::RowsKept,
        Key::RowsDropped,
        Key::RowsAltered,
        Key::Save,
        Key::Rename,
        Key::Backup,
        Key::Delete,
        Key::DeleteForGood,
        Key::Keep,
        Key::PageNotFound,
        Key::BestEffortShort,
        Key::Remembered,
        Key::RepPick,
        Key::RepPickPrompt,
        Key::RepPickHint,
        Key::RepUnknown,
        Key::MyOpenLeads,
        Key::ReorderList,
        Key::AtRiskList,
        Key::VisitList,
        Key::WinChance,
        Key::ExpectedValue,
        Key::ReclaimIn,
        Key::ReclaimPast,
        Key::NoReclaim,
        Key::ReasonReclaimSoon,
        Key::ReasonReorderOverdue,
        Key::ReasonReorderDue,
        Key::ReasonAtRisk,
        Key::AverageOrder,
        Key::AliveChance,
        Key::LastYear,
        Key::AtStake,
        Key::NothingToday,
        Key::AsOfDate,
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
        Key::Tables => ("Tables", "数据表"),
        Key::Table => ("Table", "表"),
        Key::Rows => ("Rows", "行数"),
        Key::DatasetLabel => ("Dataset", "数据集"),
        Key::CurrentDataset => ("Current dataset", "当前数据集"),
        Key::ImportFiles => ("Import files", "导入文件"),
        Key::DropHint => (
            "Drop CSV, TSV, XLSX or JSON-lines files here, or choose them:",
            "将 CSV、TSV、XLSX 或 JSON Lines 文件拖到这里，或选择文件：",
        ),
        Key::DatasetName => ("Dataset name", "数据集名称"),
        Key::Import => ("Import", "导入"),
        Key::Clear => ("Clear", "清空"),
        Key::Datasets => ("Datasets", "数据集列表"),
        Key::StorageUsed => ("Storage used", "已用存储"),
        Key::StorageUnknown => ("Storage use unknown", "存储用量未知"),
        Key::Persistent => ("persistent", "持久存储"),
        Key::BestEffort => (
            "may be cleared by the browser under pressure",
            "空间紧张时可能被浏览器清除",
        ),
        Key::Name => ("Name", "名称"),
        Key::Size => ("Size", "大小"),
        Key::Imported => ("Imported", "导入时间"),
        Key::BuiltIn => ("built in", "内置"),
        Key::DemoName => ("demo", "示例数据"),
        Key::Open => ("Open", "打开"),
        Key::RestoreFrom => ("Restore from a backup file:", "从备份文件恢复："),
        Key::Reading => ("reading", "读取"),
        Key::Loading => ("loading", "载入"),
        Key::Checking => ("checking data quality", "检查数据质量"),
        Key::Packing => ("packing the dataset", "打包数据集"),
        Key::Starting => ("starting", "开始"),
        Key::Cancel => ("Cancel", "取消"),
        Key::ImportCancelled => ("import cancelled", "导入已取消"),
        Key::Dismiss => ("Dismiss", "关闭提示"),
        Key::ExportCsv => ("Export CSV", "导出 CSV"),
        Key::ActiveCustomers => ("Active customers (expected)", "预计活跃客户"),
        Key::ShowNumbers => ("Show the numbers", "查看数据"),
        Key::ExportSvg => ("Export SVG", "导出 SVG"),
        Key::Computing => ("computing…", "计算中…"),
        Key::RepPick => ("I am", "我是"),
        Key::RepPickPrompt => ("— choose your name —", "— 选择你的名字 —"),
        Key::RepPickHint => (
            "Choose your name to see your leads, your customers and today's visits.",
            "选择你的名字，查看你的线索、客户和今日拜访。",
        ),
        Key::RepUnknown => (
            "This rep is not in the data; choose again.",
            "数据中没有这位销售，请重新选择。",
        ),
        Key::MyOpenLeads => (
            "My open leads, by expected value",
            "我的未结线索（按预期价值）",
        ),
        Key::ReorderList => ("Customers due to reorder", "待复购客户"),
        Key::AtRiskList => ("Customers at risk", "流失风险客户"),
        Key::VisitList => ("Today's suggested visits", "今日建议拜访"),
        Key::WinChance => ("win chance", "赢单概率"),
        Key::ExpectedValue => ("expected value", "预期价值"),
        Key::ReclaimIn => ("back to pool in", "距回收"),
        Key::ReclaimPast => ("past reclaim by", "已超回收期"),
        Key::NoReclaim => ("kept (no reclaim)", "不回收"),
        Key::ReasonReclaimSoon => ("reclaim soon", "即将回收"),
        Key::ReasonReorderOverdue => ("reorder overdue", "复购逾期"),
        Key::ReasonReorderDue => ("reorder due", "应复购"),
        Key::ReasonAtRisk => ("at risk", "有流失风险"),
        Key::AverageOrder => ("average order", "平均订单"),
        Key::AliveChance => ("still buying", "仍在购买概率"),
        Key::LastYear => ("last 12 months", "近12个月"),
        Key::AtStake => ("at stake", "涉及金额"),
        Key::NothingToday => ("Nothing here today.", "今天这里没有待办。"),
        Key::AsOfDate => ("as of", "截至"),
        Key::ImportInterrupted => (
            "An import was cut short when its tab closed; nothing of it was stored. Import it again:",
            "有导入因页面关闭而中断，未保存任何内容。请重新导入：",
        ),
        Key::Restored => ("restored", "已恢复"),
        Key::Remove => ("Remove", "移除"),
        Key::Encoding => ("Encoding", "编码"),
        Key::Delimiter => ("Delimiter", "分隔符"),
        Key::HeaderRow => ("header row", "表头行"),
        Key::Auto => ("auto", "自动"),
        Key::Unknown => ("unknown", "未知"),
        Key::Column => ("Column", "列"),
        Key::Field => ("Field", "字段"),
        Key::Confidence => ("Confidence", "置信度"),
        Key::NotImported => ("(not imported)", "（不导入）"),
        Key::Row => ("row", "行"),
        Key::QualityReport => ("Data-quality report", "数据质量报告"),
        Key::File => ("File", "文件"),
        Key::RowsRead => ("Read", "读取"),
        Key::RowsKept => ("Kept", "保留"),
        Key::RowsDropped => ("Dropped", "丢弃"),
        Key::RowsAltered => ("Altered", "修正"),
        Key::Save => ("Save", "保存"),
        Key::Rename => ("Rename", "重命名"),
        Key::Backup => ("Backup", "备份"),
        Key::Delete => ("Delete", "删除"),
        Key::DeleteForGood => ("Delete for good", "永久删除"),
        Key::Keep => ("Keep", "保留数据集"),
        Key::PageNotFound => ("Page not found.", "页面不存在。"),
        Key::BestEffortShort => ("best effort", "尽力保存"),
        Key::Remembered => (
            "mapping remembered for this file shape",
            "已按此文件结构套用记住的映射",
        ),
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

/// A big count in short form for KPI cards: zh-CN in 万 and 亿 (`12.3万`), English in K, M
/// and B (`12.3K`), one decimal at most; counts below the first unit are written in full.
pub fn format_compact(lang: Lang, n: i64) -> String {
    let units: &[(u64, &str)] = match lang {
        Lang::En => &[(1_000, "K"), (1_000_000, "M"), (1_000_000_000, "B")],
        Lang::ZhCn => &[(10_000, "万"), (100_000_000, "亿")],
    };
    let abs = n.unsigned_abs();
    let Some(&(first, _)) = units.first() else {
        return format_int(n);
    };
    if abs < first {
        return format_int(n);
    }
    let sign = if n < 0 { "-" } else { "" };
    // Tenths of the largest unit that keeps the figure under the next unit once rounded
    // (999,960 is 1M, not 1000.0K).
    let mut shown = (0u128, "");
    for (i, &(unit, suffix)) in units.iter().enumerate() {
        let tenths = (u128::from(abs) * 10 + u128::from(unit) / 2) / u128::from(unit);
        shown = (tenths, suffix);
        match units.get(i + 1) {
            Some(&(next, _)) if tenths >= u128::from(next / unit) * 10 => continue,
            _ => break,
        }
    }
    let (tenths, suffix) = shown;
    let whole = format_int(i64::try_from(tenths / 10).unwrap_or(i64::MAX));
    match tenths % 10 {
        0 => format!("{sign}{whole}{suffix}"),
        d => format!("{sign}{whole}.{d}{suffix}"),
    }
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

    #[test]
    fn formats_big_counts_compactly_for_the_locale() {
        let zh = |n| format_compact(Lang::ZhCn, n);
        let en = |n| format_compact(Lang::En, n);
        assert_eq!(zh(9_999), "9,999");
        assert_eq!(zh(10_000), "1万");
        assert_eq!(zh(123_456), "12.3万");
        assert_eq!(zh(99_990_000), "9,999万");
        assert_eq!(zh(99_999_999), "1亿");
        assert_eq!(zh(1_234_567_890), "12.3亿");
        assert_eq!(zh(-56_780), "-5.7万");
        assert_eq!(en(999), "999");
        assert_eq!(en(1_000), "1K");
        assert_eq!(en(12_345), "12.3K");
        assert_eq!(en(999_960), "1M");
        assert_eq!(en(2_500_000), "2.5M");
        assert_eq!(en(7_000_000_000_000), "7,000B");
        assert_eq!(en(i64::MIN), "-9,223,372,036.9B");
    }
}
