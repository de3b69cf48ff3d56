//! Messages that come from the core and the worker — data-quality findings, import refusals,
//! the page's own refusals — worded in the user's language. English is the core's own text,
//! unchanged; Chinese is built from the structured parts (kind, table, column, file, byte,
//! row) and from the numbers and names the core puts in its English sentence, which stay data.
//! A phrasing not recognised here is shown as the core wrote it rather than lost.

use crate::i18n::Lang;
use crate::worker;
use reallot_core::import::{Finding, FindingKind, ImportError};
use reallot_core::model::TableKind;
use reallot_worker::protocol::JobError;

/// A table's name in `lang` (English: its canonical name).
pub fn table_name(lang: Lang, table: TableKind) -> &'static str {
    match lang {
        Lang::En => table.as_str(),
        Lang::ZhCn => match table {
            TableKind::Reps => "销售代表",
            TableKind::Customers => "客户",
            TableKind::Leads => "线索",
            TableKind::Orders => "订单",
            TableKind::Activities => "跟进记录",
            TableKind::Ownership => "归属变更",
            TableKind::Campaigns => "营销活动",
            TableKind::Surveys => "满意度调查",
        },
    }
}

/// The text between `start` and the next `end` in `s`.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// The text after `start` in `s`.
fn after<'a>(s: &'a str, start: &str) -> Option<&'a str> {
    Some(&s[s.find(start)? + start.len()..])
}

/// A table named in a core message (`orders`), in `lang`; unknown text as is.
fn named_table(lang: Lang, name: &str) -> String {
    TableKind::parse(name).map_or_else(|| name.to_owned(), |k| table_name(lang, k).to_owned())
}

/// A finding's sentence in `lang`; in English exactly the core's message.
pub fn finding_text(lang: Lang, f: &Finding) -> String {
    if lang == Lang::En {
        return f.message.clone();
    }
    let msg = f.message.as_str();
    let column = f.column.as_deref().unwrap_or("");
    let table = f.table.map_or("", |t| table_name(lang, t));
    match f.kind {
        FindingKind::EncodingFallback => match between(msg, "at byte ", ";") {
            Some(at) => format!("从第 {at} 字节起不是有效的 UTF-8，已按 GB18030（GBK）解码"),
            None => "不是有效的 UTF-8，已按 GB18030（GBK）解码".to_owned(),
        },
        FindingKind::TitleRowsSkipped => "已跳过表头上方的行（标题、备注）".to_owned(),
        FindingKind::BlankRows => "已跳过空行".to_owned(),
        FindingKind::UnclosedQuote => {
            "有带引号的字段未闭合；该行已按不含引号的普通文本读取".to_owned()
        }
        FindingKind::RaggedRow => match between(msg, "header's ", ";") {
            Some(w) => {
                format!("单元格数与表头的 {w} 列不同的行；缺少的单元格按空值读取，多出的单元格忽略")
            }
            None => "单元格数与表头不同的行；缺少的单元格按空值读取，多出的单元格忽略".to_owned(),
        },
        FindingKind::BadJsonLine => "不是 JSON 对象的行已丢弃".to_owned(),
        FindingKind::DuplicateHeader => {
            "表头重复；同名的列只能映射其中一列，其余列除非手动映射否则不导入".to_owned()
        }
        FindingKind::TableMismatch => {
            match (
                between(msg, "named for ", " but"),
                between(msg, "fit ", ";"),
            ) {
                (Some(named), Some(got)) => {
                    let (named, got) = (named_table(lang, named), named_table(lang, got));
                    format!(
                        "文件名对应{named}表，但其列符合{got}表；已按{got}表读取（可手动指定表）"
                    )
                }
                _ => "文件名对应的表与其列不符；已按列所符合的表读取（可手动指定表）".to_owned(),
            }
        }
        FindingKind::UnmappedColumn => format!("列 {column} 未映射到任何{table}字段，不导入"),
        FindingKind::MissingColumn => {
            format!("必填字段 {column} 没有对应的列；所有行都将被丢弃")
        }
        FindingKind::MissingRequired => format!("必填列 {column} 为空；该行被丢弃"),
        FindingKind::Unparsable if msg.ends_with("the row is dropped") => {
            format!("列 {column} 的值无法解析；该行被丢弃")
        }
        FindingKind::Unparsable => format!("列 {column} 的值无法解析；该单元格留空"),
        FindingKind::DroppedRows => "未导入的行".to_owned(),
        FindingKind::AlteredRows => "已导入但部分单元格留空的行".to_owned(),
        FindingKind::DuplicateId => {
            format!("{column} 与前面的行重复；被引用的是第一行")
        }
        FindingKind::FutureDate => match after(msg, "as-of date ") {
            Some(date) => format!("{column} 晚于截至日期 {date}"),
            None => format!("{column} 晚于截至日期"),
        },
        FindingKind::EventOrder => match column.split_once('<') {
            Some((later, earlier)) => format!("{later} 早于 {earlier}"),
            None => format!("{column} 的先后顺序不可能"),
        },
        FindingKind::OrphanReference => match after(msg, "no row of ") {
            Some(target) => {
                let target = named_table(lang, target);
                format!("{column} 引用了{target}表中不存在的行")
            }
            None => format!("{column} 引用了不存在的行"),
        },
        FindingKind::NegativeAmount => {
            format!("{column} 小于零（退货、红字冲销或符号错误）；按原值保留")
        }
    }
}

/// What a value was expected to be, from the core's `FieldType::expected` text.
fn expected_text(expected: &str) -> String {
    match expected {
        "text" => "文本".to_owned(),
        "a whole number ≥ 0" => "≥ 0 的整数".to_owned(),
        "a number" => "数字".to_owned(),
        "customer types separated by ;" => "以 ; 分隔的客户类型".to_owned(),
        e if e.starts_with("a date") => {
            "日期，如 2024-03-05、2024/3/5、2024年3月5日或 Excel 日期序号".to_owned()
        }
        e if e.starts_with("an amount") => "金额，如 1234.50、¥1,234.50 或 1234.5元".to_owned(),
        e => match e.strip_prefix("one of ") {
            Some(values) => format!("以下之一：{values}"),
            None => e.to_owned(),
        },
    }
}

/// An example's detail in `lang`; in English exactly the core's text.
pub fn example_detail(lang: Lang, kind: FindingKind, detail: &str) -> String {
    if lang == Lang::En {
        return detail.to_owned();
    }
    let zh = match kind {
        FindingKind::UnclosedQuote => {
            after(detail, "quote opened on line ").map(|line| format!("引号开于第 {line} 行"))
        }
        FindingKind::DuplicateHeader => {
            let (a, b) = (
                between(detail, "column ", " repeats"),
                after(detail, "repeats column "),
            );
            a.zip(b).map(|(a, b)| format!("第 {a} 列与第 {b} 列重名"))
        }
        FindingKind::RaggedRow => detail
            .strip_suffix(" cells")
            .map(|n| format!("{n} 个单元格")),
        FindingKind::TableMismatch => after(detail, "expected the columns of ")
            .map(|t| format!("应为{}表的列", named_table(lang, t))),
        FindingKind::Unparsable => detail
            .strip_prefix("expected ")
            .map(|e| format!("应为{}", expected_text(e))),
        FindingKind::BadJsonLine => Some("无法解析为 JSON 对象".to_owned()),
        FindingKind::DuplicateId => {
            between(detail, "", " rows share").map(|n| format!("{n} 行的此值相同"))
        }
        FindingKind::OrphanReference => {
            let (head, target) = (between(detail, "", " not in "), after(detail, " not in "));
            head.zip(target)
                .map(|(h, t)| format!("{h} 不在{}表中", named_table(lang, t)))
        }
        _ => None,
    };
    zh.unwrap_or_else(|| detail.to_owned())
}

/// An import error's detail in Chinese, from the core's English phrasing.
fn import_detail_zh(detail: &str) -> String {
    if detail == "neither valid utf-8 nor gb18030/gbk; choose the encoding explicitly" {
        return "既不是有效的 UTF-8，也不是 GB18030/GBK；请手动选择编码".to_owned();
    }
    if let Some(enc) = detail.strip_prefix("not valid ") {
        return format!("不是有效的 {enc}");
    }
    if let (Some(line), Some(chars), Some(byte)) = (
        between(detail, "line ", ": mixed encodings"),
        between(detail, "the ", " non-ascii"),
        between(detail, "the byte ", " here"),
    ) {
        return format!(
            "第 {line} 行：编码混杂：此字节之前的 {chars} 个非 ASCII 字符是 UTF-8，但此处的字节 {byte} 不是；请把整个文件存为同一种编码，或手动选择编码"
        );
    }
    if let (Some(name), Some(sheets)) = (
        between(detail, "no sheet named ", "; sheets: "),
        after(detail, "; sheets: "),
    ) {
        return format!("没有名为 {name} 的工作表；现有工作表：{sheets}");
    }
    if detail == "the workbook has no sheets" {
        return "工作簿中没有工作表".to_owned();
    }
    if detail == "corrupt xls: a sector chain loops" {
        return "XLS 文件已损坏：扇区链循环".to_owned();
    }
    if let Some(rest) = detail.strip_prefix("the sheet has more than ") {
        let (limit, what) = rest.split_once(' ').unwrap_or((rest, ""));
        let unit = match what {
            "rows" => "行",
            "columns" => "列",
            "cells" => "个单元格",
            other => other,
        };
        return format!("工作表超过 {limit} {unit}");
    }
    if let (Some(part), Some(declared)) = (
        between(detail, "part ", " unzips to more than the "),
        between(detail, "more than the ", " bytes it declares"),
    ) {
        return format!("部件 {part} 解压后超过其声明的 {declared} 字节（疑似 zip 炸弹）");
    }
    if let (Some(part), Some(size), Some(max)) = (
        between(detail, "part ", " unzips to "),
        between(detail, " unzips to ", " bytes;"),
        between(detail, "at most ", " bytes"),
    ) {
        return format!("部件 {part} 解压后为 {size} 字节；工作簿解压后最多只能有 {max} 字节");
    }
    if detail == "text over 4 GiB" {
        return "文本超过 4 GiB".to_owned();
    }
    if let Some(rest) = detail.strip_prefix("more than ") {
        if let Some(n) = rest.strip_suffix(" rows") {
            return format!("超过 {n} 行");
        }
        if let Some(n) = rest.strip_suffix(" columns") {
            return format!("超过 {n} 列");
        }
    }
    if let Some(c) = between(detail, "the delimiter ", " is not an ascii character") {
        return format!("分隔符 {c} 不是 ASCII 字符");
    }
    if detail == "no such row to use as the header" {
        return "没有这一行可作表头".to_owned();
    }
    detail.to_owned()
}

/// An import error in `lang`, naming the file and the byte, line or row; in English exactly
/// the core's message.
pub fn import_error_text(lang: Lang, e: &ImportError) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        ImportError::Empty { file } => format!("{file}：文件为空"),
        ImportError::Encoding { file, byte, detail } => {
            format!("{file}：第 {byte} 字节：{}", import_detail_zh(detail))
        }
        ImportError::Sheet { file, detail } => {
            format!("{file}：无法读取工作表：{}", import_detail_zh(detail))
        }
        ImportError::TooLarge { file, detail } => {
            format!("{file}：文件过大：{}", import_detail_zh(detail))
        }
        ImportError::Header { file, row, detail } => {
            format!("{file}：第 {row} 行：{}", import_detail_zh(detail))
        }
        ImportError::UnknownTable { file, columns } => {
            let columns = match columns.rsplit_once(" and ") {
                Some((shown, more)) => match more.strip_suffix(" more") {
                    Some(n) if n.bytes().all(|b| b.is_ascii_digit()) => {
                        format!("{shown} 等，另有 {n} 列")
                    }
                    _ => columns.clone(),
                },
                None => columns.clone(),
            };
            format!("{file}：无法判断这是哪张表（列：{columns}）；请手动指定表")
        }
    }
}

/// A refused read or import in `lang`; in English exactly the worker's message.
pub fn job_error_text(lang: Lang, e: &JobError) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        JobError::File(e) => import_error_text(lang, e),
        JobError::NoFiles => "未选择文件".to_owned(),
        JobError::FileCount { described, sent } => {
            format!("描述了 {described} 个文件，但发送了 {sent} 个")
        }
        JobError::MappingWidth {
            file,
            mapping,
            columns,
        } => format!("{file}：映射有 {mapping} 列，但文件有 {columns} 列；请重新读取文件"),
        JobError::MissingField { file, table, field } => format!(
            "{file}：{}表的必填字段 {field} 没有映射到任何列",
            table_name(lang, *table)
        ),
        JobError::NoBytes { file } => format!("{file}：未收到文件内容"),
    }
}

/// A picked file the browser could not read.
pub fn unreadable_file(lang: Lang, file: &str) -> String {
    match lang {
        Lang::En => format!("{file}: the file could not be read"),
        Lang::ZhCn => format!("{file}：浏览器无法读取该文件"),
    }
}

/// Why the page shows an error: a refusal from the worker, one of the page's own checks, or a
/// message already worded (storage and worker-client messages).
#[derive(Clone, PartialEq, Debug)]
pub enum Problem {
    Job(JobError),
    /// Import was pressed while a file is still being read.
    StillReading {
        file: String,
    },
    /// Import was pressed while a file's table is unknown.
    NameTheTable {
        file: String,
    },
    /// The worker answered with a reply of the wrong kind.
    UnexpectedAnswer,
    /// A message already worded (storage), or one of the worker client's (worded here).
    Text(String),
}

/// A problem in `lang`.
pub fn problem_text(lang: Lang, p: &Problem) -> String {
    match (p, lang) {
        (Problem::Job(e), _) => job_error_text(lang, e),
        (Problem::StillReading { file }, Lang::En) => format!("{file}: still being read"),
        (Problem::StillReading { file }, Lang::ZhCn) => format!("{file}：仍在读取"),
        (Problem::NameTheTable { file }, Lang::En) => format!("{file}: name the table explicitly"),
        (Problem::NameTheTable { file }, Lang::ZhCn) => format!("{file}：请手动指定表"),
        (Problem::UnexpectedAnswer, Lang::En) => "the worker gave an unexpected answer".to_owned(),
        (Problem::UnexpectedAnswer, Lang::ZhCn) => "后台线程给出了意外的应答".to_owned(),
        (Problem::Text(s), Lang::En) => s.clone(),
        (Problem::Text(s), Lang::ZhCn) => match s.as_str() {
            worker::CANCELLED => "已取消".to_owned(),
            worker::NOT_STARTED => "无法启动后台线程".to_owned(),
            worker::CRASHED => "后台线程出错停止；请重试".to_owned(),
            worker::NOT_RUNNING => "后台线程未运行".to_owned(),
            worker::NO_ANSWER => "后台线程没有应答".to_owned(),
            _ => s.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use reallot_core::Dataset;
    use reallot_core::import::{Findings, ReadOptions, load_into, mapping_findings, read_file};
    use reallot_core::model::Timestamp;
    use reallot_core::quality::check;

    const EVERY_KIND: [FindingKind; 19] = [
        FindingKind::EncodingFallback,
        FindingKind::TitleRowsSkipped,
        FindingKind::BlankRows,
        FindingKind::UnclosedQuote,
        FindingKind::RaggedRow,
        FindingKind::BadJsonLine,
        FindingKind::DuplicateHeader,
        FindingKind::TableMismatch,
        FindingKind::UnmappedColumn,
        FindingKind::MissingColumn,
        FindingKind::MissingRequired,
        FindingKind::Unparsable,
        FindingKind::DroppedRows,
        FindingKind::AlteredRows,
        FindingKind::DuplicateId,
        FindingKind::FutureDate,
        FindingKind::EventOrder,
        FindingKind::OrphanReference,
        FindingKind::NegativeAmount,
    ];

    /// The longest run of English words (ASCII letters) separated only by spaces: a sentence
    /// left in English has three or more; names and values of data have fewer.
    fn english_run(s: &str) -> usize {
        let (mut best, mut run, mut in_word) = (0, 0, false);
        for c in s.chars() {
            if c.is_ascii_alphabetic() {
                if !in_word {
                    run += 1;
                    in_word = true;
                }
            } else {
                in_word = false;
                if c != ' ' {
                    run = 0;
                }
            }
            best = best.max(run);
        }
        best
    }

    fn has_chinese(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// Findings of every kind, made by the core itself from small files.
    fn every_finding() -> Vec<Finding> {
        let opts = ReadOptions::default();
        let mut all = Vec::new();
        let mut ds = Dataset::new();
        let mut load = |name: &str, bytes: &[u8], all: &mut Vec<Finding>| {
            let p = read_file(name, bytes, &opts).expect("reads");
            let m = p.require_mapping().expect("mapped").clone();
            all.extend(load_into(&mut ds, &p, &m).findings);
        };
        load("reps.csv", b"rep_id,name\nR1,Ann\n", &mut all);
        load(
            "leads.csv",
            concat!(
                "Lead export\n",
                "lead_id,created_at,assigned_rep_id,won_at,stage,est_value,note,note\n",
                "L1,2024-01-05,R1,2024-01-01,won,-3,x,y\n",
                "L1,2024-01-06,R9,,,5,x,y\n",
                "L2,2099-01-01,R1,,,5,x,y\n",
                ",2024-01-02,R1,,,5,x,y\n",
                "L3,not a date,R1,,,5,x,y\n",
                "L4,2024-01-02,R1,,no such stage,5,x,y\n",
                "L5,2024-01-02\n",
                "\n",
                "L6,\"2024-01-02,R1\n",
            )
            .as_bytes(),
            &mut all,
        );
        load(
            "leads.jsonl",
            b"{\"lead_id\":\"L7\",\"created_at\":\"2024-01-02\"}\n[1,2]\n",
            &mut all,
        );
        let mut gbk = b"lead_id,created_at,region\nL8,2024-01-02,".to_vec();
        gbk.extend([0xcf, 0xdf, 0xcb, 0xf7, b'\n']);
        load("gbk.csv", &gbk, &mut all);
        let p = read_file(
            "customers.csv",
            b"order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,5\n",
            &opts,
        )
        .expect("reads");
        all.extend(p.findings.iter().cloned());
        let mut m = p.require_mapping().expect("mapped").clone();
        assert!(m.set(1, None));
        let mut f = Findings::new();
        mapping_findings(&m, &mut f);
        all.extend(f.into_vec());
        all.extend(check(&ds, Timestamp(1_800_000_000)).findings);
        all
    }

    #[test]
    fn every_finding_kind_reads_in_both_languages() {
        let all = every_finding();
        for kind in EVERY_KIND {
            assert!(all.iter().any(|f| f.kind == kind), "no {kind:?} made");
        }
        for f in &all {
            assert_eq!(finding_text(Lang::En, f), f.message);
            let zh = finding_text(Lang::ZhCn, f);
            assert!(has_chinese(&zh), "{:?}: {zh}", f.kind);
            assert!(english_run(&zh) < 3, "{:?} left English: {zh}", f.kind);
            for e in &f.examples {
                let Some(d) = &e.detail else { continue };
                assert_eq!(&example_detail(Lang::En, f.kind, d), d);
                let zh = example_detail(Lang::ZhCn, f.kind, d);
                assert!(
                    english_run(&zh) < 3,
                    "{:?} detail left English: {zh}",
                    f.kind
                );
            }
        }
    }

    #[test]
    fn chinese_findings_keep_their_columns_tables_and_numbers() {
        let all = every_finding();
        let zh = |kind: FindingKind, column: Option<&str>| {
            let f = all
                .iter()
                .find(|f| f.kind == kind && (column.is_none() || f.column.as_deref() == column))
                .unwrap_or_else(|| panic!("no {kind:?} {column:?}"));
            finding_text(Lang::ZhCn, f)
        };
        assert_eq!(
            zh(FindingKind::TableMismatch, None),
            "文件名对应客户表，但其列符合订单表；已按订单表读取（可手动指定表）"
        );
        assert_eq!(
            zh(FindingKind::FutureDate, Some("created_at")),
            "created_at 晚于截至日期 2027-01-15"
        );
        assert_eq!(zh(FindingKind::EventOrder, None), "won_at 早于 created_at");
        assert_eq!(
            zh(FindingKind::OrphanReference, None),
            "assigned_rep_id 引用了销售代表表中不存在的行"
        );
        assert_eq!(
            zh(FindingKind::Unparsable, Some("created_at")),
            "列 created_at 的值无法解析；该行被丢弃"
        );
        assert_eq!(
            zh(FindingKind::Unparsable, Some("stage")),
            "列 stage 的值无法解析；该单元格留空"
        );
        assert_eq!(
            zh(FindingKind::RaggedRow, None),
            "单元格数与表头的 8 列不同的行；缺少的单元格按空值读取，多出的单元格忽略"
        );
        assert_eq!(
            zh(FindingKind::EncodingFallback, None),
            "从第 40 字节起不是有效的 UTF-8，已按 GB18030（GBK）解码"
        );
        assert_eq!(
            zh(FindingKind::MissingColumn, None),
            "必填字段 customer_id 没有对应的列；所有行都将被丢弃"
        );
        let quote = all
            .iter()
            .find(|f| f.kind == FindingKind::UnclosedQuote)
            .and_then(|f| f.examples.first())
            .and_then(|e| e.detail.clone())
            .expect("located");
        assert_eq!(
            example_detail(Lang::ZhCn, FindingKind::UnclosedQuote, &quote),
            "引号开于第 11 行"
        );
        assert_eq!(
            example_detail(
                Lang::ZhCn,
                FindingKind::DuplicateHeader,
                "column 8 repeats column 7"
            ),
            "第 8 列与第 7 列重名"
        );
    }

    fn refusal(name: &str, bytes: &[u8], opts: &ReadOptions) -> ImportError {
        read_file(name, bytes, opts).expect_err("refused")
    }

    #[test]
    fn import_errors_read_in_both_languages_and_keep_their_place() {
        let opts = ReadOptions::default();
        let mut mixed = "name,city\n张三,北京\n".as_bytes().to_vec();
        mixed.extend([0xc0, 0xee, b'\n']);
        let xlsx: &[u8] = include_bytes!("../../tests/data/import/orders.xlsx");
        let cases: Vec<(ImportError, &str)> = vec![
            (refusal("empty.csv", b"", &opts), "empty.csv：文件为空"),
            (
                refusal("g.csv", &[0x81, 0x20, 0xff, 0xfe, 0x81], &opts),
                "g.csv：第 0 字节：既不是有效的 UTF-8，也不是 GB18030/GBK；请手动选择编码",
            ),
            (
                refusal("m.csv", &mixed, &opts),
                "m.csv：第 24 字节：第 3 行：编码混杂：此字节之前的 4 个非 ASCII 字符是 UTF-8，但此处的字节 0xc0 不是；请把整个文件存为同一种编码，或手动选择编码",
            ),
            (
                refusal(
                    "u.csv",
                    &[b'a', 0xff],
                    &ReadOptions {
                        encoding: Some(reallot_core::import::TextEncoding::Utf8),
                        ..ReadOptions::default()
                    },
                ),
                "u.csv：第 1 字节：不是有效的 utf-8",
            ),
            (
                refusal(
                    "h.csv",
                    b"a,b\n1,2\n",
                    &ReadOptions {
                        header_row: Some(9),
                        ..ReadOptions::default()
                    },
                ),
                "h.csv：第 9 行：没有这一行可作表头",
            ),
            (
                refusal(
                    "d.csv",
                    b"a,b\n1,2\n",
                    &ReadOptions {
                        delimiter: Some('，'),
                        ..ReadOptions::default()
                    },
                ),
                "d.csv：第 0 行：分隔符 '，' 不是 ASCII 字符",
            ),
            (
                refusal(
                    "r.csv",
                    "a,b\n1,2\n".repeat(100).as_bytes(),
                    &ReadOptions {
                        max_rows: 1,
                        ..ReadOptions::default()
                    },
                ),
                "r.csv：文件过大：超过 1 行",
            ),
            (
                refusal(
                    "c.csv",
                    b"a,b,c\n1,2,3\n",
                    &ReadOptions {
                        max_cols: 2,
                        ..ReadOptions::default()
                    },
                ),
                "c.csv：文件过大：超过 2 列",
            ),
            (
                refusal(
                    "o.xlsx",
                    xlsx,
                    &ReadOptions {
                        sheet: Some("nope".into()),
                        ..ReadOptions::default()
                    },
                ),
                "o.xlsx：无法读取工作表：没有名为 \"nope\" 的工作表；现有工作表：",
            ),
            (
                read_file("n.csv", b"colour,weight\nred,3\n", &opts)
                    .expect("reads")
                    .require_mapping()
                    .expect_err("unknown"),
                "n.csv：无法判断这是哪张表（列：colour, weight）；请手动指定表",
            ),
            (
                ImportError::TooLarge {
                    file: "huge.xlsx".into(),
                    detail: "part xl/sharedStrings.xml unzips to 2147483648 bytes; a workbook may unzip to at most 1073741824 bytes".into(),
                },
                "huge.xlsx：文件过大：部件 xl/sharedStrings.xml 解压后为 2147483648 字节；工作簿解压后最多只能有 1073741824 字节",
            ),
            (
                ImportError::TooLarge {
                    file: "lying.xlsx".into(),
                    detail: "part xl/sharedStrings.xml unzips to more than the 1000 bytes it declares (a zip bomb?)".into(),
                },
                "lying.xlsx：文件过大：部件 xl/sharedStrings.xml 解压后超过其声明的 1000 字节（疑似 zip 炸弹）",
            ),
            (
                ImportError::TooLarge {
                    file: "s.xlsx".into(),
                    detail: "the sheet has more than 30000000 cells".into(),
                },
                "s.xlsx：文件过大：工作表超过 30000000 个单元格",
            ),
        ];
        for (e, zh) in &cases {
            assert_eq!(import_error_text(Lang::En, e), e.to_string());
            let got = import_error_text(Lang::ZhCn, e);
            assert!(got.starts_with(zh), "{e}\n  gave {got}\n  want {zh}");
            assert!(english_run(&got) < 3, "{got}");
        }
        let many: Vec<String> = (1..=23).map(|i| format!("c{i}")).collect();
        let wide = read_file("w.csv", format!("{}\n", many.join(",")).as_bytes(), &opts)
            .expect("reads")
            .require_mapping()
            .expect_err("unknown")
            .clone();
        let zh = import_error_text(Lang::ZhCn, &wide);
        assert!(zh.contains("c20 等，另有 3 列"), "{zh}");
    }

    #[test]
    fn refusals_and_client_messages_read_in_both_languages() {
        let missing = JobError::MissingField {
            file: "o.csv".into(),
            table: TableKind::Orders,
            field: "customer_id".into(),
        };
        assert_eq!(job_error_text(Lang::En, &missing), missing.to_string());
        assert_eq!(
            job_error_text(Lang::ZhCn, &missing),
            "o.csv：订单表的必填字段 customer_id 没有映射到任何列"
        );
        let width = JobError::MappingWidth {
            file: "o.csv".into(),
            mapping: 3,
            columns: 4,
        };
        assert_eq!(
            job_error_text(Lang::ZhCn, &width),
            "o.csv：映射有 3 列，但文件有 4 列；请重新读取文件"
        );
        for (p, en) in [
            (Problem::Text(worker::CRASHED.into()), worker::CRASHED),
            (Problem::Text(worker::NO_ANSWER.into()), worker::NO_ANSWER),
            (
                Problem::Text(worker::NOT_STARTED.into()),
                worker::NOT_STARTED,
            ),
            (
                Problem::Text(worker::NOT_RUNNING.into()),
                worker::NOT_RUNNING,
            ),
            (Problem::Text(worker::CANCELLED.into()), worker::CANCELLED),
            (
                Problem::UnexpectedAnswer,
                "the worker gave an unexpected answer",
            ),
            (Problem::Job(JobError::NoFiles), "no files chosen"),
        ] {
            assert_eq!(problem_text(Lang::En, &p), en);
            let zh = problem_text(Lang::ZhCn, &p);
            assert!(has_chinese(&zh) && english_run(&zh) < 3, "{zh}");
        }
        assert_eq!(
            unreadable_file(Lang::En, "a.csv"),
            "a.csv: the file could not be read"
        );
        assert_eq!(
            unreadable_file(Lang::ZhCn, "a.csv"),
            "a.csv：浏览器无法读取该文件"
        );
    }

    #[test]
    fn english_runs_are_counted_across_spaces_only() {
        assert_eq!(english_run("文件 a.csv：第 3 行"), 1);
        assert_eq!(english_run("the file is empty"), 4);
        assert_eq!(english_run("列：colour, weight"), 1);
    }
}
