//! Column mapping: a synonym dictionary of Chinese and English CRM vocabulary for every
//! canonical field, the guess of a file's table kind, and a per-column confidence that also
//! weighs whether the sampled values parse as the field's type.

use super::grid::Row;
use crate::model::{CustomerTypeSet, FieldType, Money, TableKind, Timestamp};
use serde::{Deserialize, Serialize};

/// Synonyms per canonical field name, compared after [`normalize_header`]. A name shared by
/// several tables (`customer_id`, `rep_id`, `at` …) shares its synonyms; the rep of a customer,
/// a lead and an order (负责人, owner) are listed under each table's own field.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "rep_id",
        &[
            "销售编号",
            "销售id",
            "员工编号",
            "员工id",
            "工号",
            "销售代表编号",
            "业务员编号",
            "销售工号",
            "rep",
            "repid",
            "salesrep",
            "salesrepid",
            "employeeid",
            "staffid",
            "userid",
            "销售",
            "销售代表",
            "业务员",
            "负责人",
            "跟进人",
            "跟进销售",
            "拜访人",
            "归属销售",
            "所属销售",
            "销售人员",
            "下单销售",
            "负责人编号",
            "负责人id",
            "owner",
            "ownerid",
            "评价对象",
        ],
    ),
    (
        "name",
        &[
            "名称",
            "姓名",
            "名字",
            "客户名称",
            "客户名",
            "公司名称",
            "企业名称",
            "门店名称",
            "销售姓名",
            "员工姓名",
            "活动名称",
            "营销活动名称",
            "fullname",
            "customername",
            "accountname",
            "companyname",
            "repname",
            "campaignname",
        ],
    ),
    (
        "team",
        &[
            "团队",
            "小组",
            "销售团队",
            "所属团队",
            "部门",
            "所属部门",
            "组别",
            "team",
            "teamname",
            "department",
            "group",
        ],
    ),
    (
        "region",
        &[
            "区域",
            "所属区域",
            "大区",
            "销售区域",
            "地区",
            "片区",
            "省份",
            "省",
            "area",
            "territory",
            "salesregion",
            "province",
        ],
    ),
    (
        "role",
        &[
            "角色",
            "岗位",
            "职位",
            "销售类型",
            "title",
            "position",
            "jobtitle",
            "salesrole",
        ],
    ),
    (
        "capacity",
        &[
            "容量",
            "最大线索数",
            "线索上限",
            "最大持有量",
            "持有上限",
            "产能",
            "maxleads",
            "maxopenleads",
            "quota",
        ],
    ),
    (
        "skills",
        &[
            "技能",
            "擅长客户类型",
            "可服务客户类型",
            "负责客户类型",
            "skill",
            "segments",
            "customertypes",
        ],
    ),
    (
        "active_from",
        &[
            "入职日期",
            "入职时间",
            "生效日期",
            "开始日期",
            "startdate",
            "hiredate",
            "hiredon",
            "activefrom",
            "joined",
        ],
    ),
    (
        "active_to",
        &[
            "离职日期",
            "离职时间",
            "失效日期",
            "结束日期",
            "enddate",
            "leftdate",
            "terminationdate",
            "activeto",
            "left",
        ],
    ),
    (
        "monthly_cost",
        &[
            "月成本",
            "月薪",
            "月度成本",
            "人力成本",
            "薪资",
            "工资",
            "monthlycost",
            "salary",
            "monthlysalary",
            "cost",
        ],
    ),
    (
        "customer_id",
        &[
            "客户编号",
            "客户id",
            "客户代码",
            "客户编码",
            "客户号",
            "门店编号",
            "门店编码",
            "账户编号",
            "关联客户",
            "关联客户编号",
            "所属客户",
            "customer",
            "customerid",
            "customerno",
            "customercode",
            "accountid",
            "account",
            "clientid",
        ],
    ),
    (
        "customer_type",
        &[
            "客户类型",
            "客户类别",
            "客户级别类型",
            "客户规模",
            "客户分类",
            "类型",
            "规模",
            "customertype",
            "accounttype",
            "segment",
            "type",
            "customersegment",
            "size",
        ],
    ),
    (
        "channel",
        &[
            "渠道",
            "销售渠道",
            "渠道类型",
            "业态",
            "门店类型",
            "通路",
            "channel",
            "saleschannel",
            "channeltype",
        ],
    ),
    ("city", &["城市", "所在城市", "市", "city", "town"]),
    (
        "level",
        &[
            "等级",
            "客户等级",
            "级别",
            "客户级别",
            "评级",
            "level",
            "grade",
            "tier",
            "rating",
        ],
    ),
    (
        "created_at",
        &[
            "创建时间",
            "创建日期",
            "录入时间",
            "录入日期",
            "新建时间",
            "线索创建时间",
            "获取时间",
            "建档日期",
            "建档时间",
            "注册时间",
            "开户日期",
            "created",
            "createdat",
            "createdon",
            "createdate",
            "createdtime",
            "creationdate",
            "datecreated",
        ],
    ),
    (
        "owner_rep_id",
        &[
            "负责人",
            "归属销售",
            "所属销售",
            "客户负责人",
            "负责销售",
            "跟进人",
            "销售",
            "销售代表",
            "业务员",
            "负责人编号",
            "负责人id",
            "归属人",
            "owner",
            "ownerid",
            "ownerrep",
            "ownerrepid",
            "accountowner",
            "salesrep",
            "rep",
            "repid",
        ],
    ),
    (
        "source",
        &[
            "来源",
            "线索来源",
            "客户来源",
            "获客渠道",
            "来源渠道",
            "source",
            "leadsource",
            "origin",
            "channelsource",
        ],
    ),
    (
        "lead_id",
        &[
            "线索编号",
            "线索id",
            "线索号",
            "线索编码",
            "商机编号",
            "关联线索",
            "lead",
            "leadid",
            "leadno",
            "opportunityid",
            "prospectid",
        ],
    ),
    (
        "campaign_id",
        &[
            "活动编号",
            "活动id",
            "营销活动",
            "营销活动编号",
            "市场活动",
            "市场活动编号",
            "campaign",
            "campaignid",
            "campaigncode",
        ],
    ),
    (
        "est_value",
        &[
            "预计金额",
            "预估金额",
            "预计价值",
            "预估价值",
            "商机金额",
            "预计成交金额",
            "estvalue",
            "estimatedvalue",
            "expectedvalue",
            "potentialvalue",
            "dealsize",
        ],
    ),
    (
        "cost",
        &[
            "成本",
            "获客成本",
            "线索成本",
            "费用",
            "投入",
            "活动费用",
            "活动成本",
            "预算",
            "cost",
            "leadcost",
            "spend",
            "budget",
        ],
    ),
    (
        "assigned_rep_id",
        &[
            "负责人",
            "归属销售",
            "所属销售",
            "分配销售",
            "分配给",
            "跟进人",
            "跟进销售",
            "销售",
            "销售代表",
            "业务员",
            "负责人编号",
            "负责人id",
            "assignedrep",
            "assignedrepid",
            "assignedto",
            "owner",
            "ownerid",
            "salesrep",
            "rep",
            "repid",
        ],
    ),
    (
        "assigned_at",
        &[
            "分配时间",
            "分配日期",
            "领取时间",
            "指派时间",
            "分配于",
            "assignedat",
            "assignedon",
            "assigneddate",
            "assigntime",
        ],
    ),
    (
        "first_contact_at",
        &[
            "首次跟进时间",
            "首次联系时间",
            "首次跟进日期",
            "首次接触时间",
            "首次响应时间",
            "第一次跟进时间",
            "firstcontactat",
            "firstcontact",
            "firstcontacted",
            "firstresponse",
            "firstcontactdate",
        ],
    ),
    (
        "stage",
        &[
            "阶段",
            "线索状态",
            "线索阶段",
            "商机阶段",
            "销售阶段",
            "状态",
            "跟进状态",
            "stage",
            "status",
            "leadstatus",
            "leadstage",
            "dealstage",
        ],
    ),
    (
        "qualified_at",
        &[
            "确认时间",
            "转化时间",
            "有效时间",
            "验证时间",
            "合格时间",
            "qualifiedat",
            "qualifiedon",
            "qualifieddate",
        ],
    ),
    (
        "won_at",
        &[
            "成交时间",
            "成交日期",
            "赢单时间",
            "赢单日期",
            "签约时间",
            "签约日期",
            "wonat",
            "wonon",
            "closedate",
            "closedwondate",
            "wondate",
        ],
    ),
    (
        "lost_at",
        &[
            "丢单时间",
            "输单时间",
            "流失时间",
            "失败时间",
            "关闭时间",
            "lostat",
            "loston",
            "lostdate",
            "closedlostdate",
        ],
    ),
    (
        "won_value",
        &[
            "成交金额",
            "赢单金额",
            "签约金额",
            "合同金额",
            "成交额",
            "wonvalue",
            "dealvalue",
            "closedvalue",
            "wonamount",
            "revenue",
        ],
    ),
    (
        "lost_reason",
        &[
            "丢单原因",
            "输单原因",
            "失败原因",
            "流失原因",
            "无效原因",
            "关闭原因",
            "lostreason",
            "reasonlost",
            "lossreason",
        ],
    ),
    (
        "order_id",
        &[
            "订单编号",
            "订单号",
            "订单id",
            "单号",
            "销售单号",
            "出库单号",
            "order",
            "orderid",
            "orderno",
            "ordernumber",
            "invoiceid",
            "invoiceno",
        ],
    ),
    (
        "order_date",
        &[
            "订单日期",
            "下单日期",
            "下单时间",
            "订单时间",
            "销售日期",
            "出库日期",
            "开单日期",
            "日期",
            "orderdate",
            "date",
            "orderedat",
            "purchasedate",
            "invoicedate",
        ],
    ),
    (
        "amount",
        &[
            "金额",
            "订单金额",
            "销售额",
            "销售金额",
            "实收金额",
            "应收金额",
            "含税金额",
            "总金额",
            "amount",
            "total",
            "ordervalue",
            "value",
            "sales",
            "netamount",
        ],
    ),
    (
        "category",
        &[
            "品类",
            "类目",
            "产品类别",
            "商品类别",
            "产品线",
            "品类名称",
            "category",
            "productcategory",
            "productline",
        ],
    ),
    (
        "quantity",
        &[
            "数量",
            "件数",
            "箱数",
            "销量",
            "订购数量",
            "quantity",
            "qty",
            "units",
            "cases",
        ],
    ),
    (
        "activity_id",
        &[
            "活动记录编号",
            "跟进记录编号",
            "跟进编号",
            "拜访编号",
            "记录编号",
            "记录id",
            "activityid",
            "activity",
            "eventid",
            "taskid",
        ],
    ),
    (
        "at",
        &[
            "时间",
            "跟进时间",
            "拜访时间",
            "联系时间",
            "发生时间",
            "变更时间",
            "操作时间",
            "调查时间",
            "评价时间",
            "回访时间",
            "日期",
            "at",
            "time",
            "timestamp",
            "datetime",
            "date",
            "occurredat",
            "changedat",
            "surveyedat",
        ],
    ),
    (
        "kind",
        &[
            "跟进方式",
            "跟进类型",
            "活动类型",
            "拜访方式",
            "联系方式",
            "方式",
            "kind",
            "type",
            "activitytype",
            "method",
        ],
    ),
    (
        "outcome",
        &[
            "结果",
            "跟进结果",
            "拜访结果",
            "备注",
            "跟进内容",
            "outcome",
            "result",
            "notes",
            "note",
            "comment",
        ],
    ),
    (
        "entity_kind",
        &[
            "对象类型",
            "实体类型",
            "记录类型",
            "类型",
            "entitykind",
            "entitytype",
            "objecttype",
            "kind",
        ],
    ),
    (
        "entity_id",
        &[
            "对象编号",
            "对象id",
            "实体编号",
            "记录编号",
            "线索或客户编号",
            "entityid",
            "objectid",
            "recordid",
        ],
    ),
    (
        "reason",
        &[
            "原因",
            "变更原因",
            "回收原因",
            "操作类型",
            "变更类型",
            "动作",
            "reason",
            "action",
            "changetype",
        ],
    ),
    (
        "start",
        &[
            "开始日期",
            "开始时间",
            "活动开始",
            "起始日期",
            "start",
            "startdate",
            "startsat",
            "from",
        ],
    ),
    (
        "end",
        &[
            "结束日期",
            "结束时间",
            "活动结束",
            "截止日期",
            "end",
            "enddate",
            "endsat",
            "to",
        ],
    ),
    (
        "score",
        &[
            "评分",
            "分数",
            "满意度",
            "满意度评分",
            "得分",
            "推荐值",
            "score",
            "rating",
            "csat",
            "nps",
        ],
    ),
    (
        "scale",
        &[
            "量表",
            "评分类型",
            "问卷类型",
            "评分制",
            "scale",
            "surveytype",
            "scaletype",
        ],
    ),
];

/// Words in a file name that hint at its table.
const FILE_HINTS: &[(TableKind, &[&str])] = &[
    (TableKind::Reps, &["rep", "销售人员", "员工", "人员"]),
    (TableKind::Customers, &["customer", "account", "客户"]),
    (TableKind::Leads, &["lead", "线索", "商机"]),
    (TableKind::Orders, &["order", "订单", "销售明细"]),
    (TableKind::Activities, &["activit", "跟进", "拜访"]),
    (
        TableKind::Ownership,
        &["ownership", "公海", "回收", "分配记录"],
    ),
    (TableKind::Campaigns, &["campaign", "营销活动", "市场活动"]),
    (TableKind::Surveys, &["survey", "问卷", "满意度"]),
];

/// Lower-cases, drops spaces, punctuation, a BOM and anything in brackets (units such as
/// `金额(元)`), so that `Customer ID`, `customer_id` and `客户ID（必填）` compare as written.
pub fn normalize_header(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    let mut depth = 0u32;
    for c in h.chars() {
        match c {
            '(' | '（' | '[' | '【' | '<' | '《' => depth += 1,
            ')' | '）' | ']' | '】' | '>' | '》' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// How a column was matched to its field.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The header is the canonical field name.
    Exact,
    /// The header is a known synonym.
    Synonym,
    /// The header contains a synonym or the other way round.
    Fuzzy,
    /// Chosen by the user.
    Override,
}

/// The mapping of one source column.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// The header as written in the file.
    pub source: String,
    /// The canonical field, or `None` when the column is not used.
    pub field: Option<String>,
    /// 0..=1: how sure the guess is (1 for an exact name whose values all parse).
    pub confidence: f64,
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<MatchKind>,
}

/// How a file's columns become one canonical table. Serialisable so the app can remember it
/// per [`Mapping::shape`] and the user can override it.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Mapping {
    pub table: TableKind,
    pub columns: Vec<ColumnMapping>,
}

impl Mapping {
    /// For each canonical field of the table, the source column that feeds it.
    pub fn field_columns(&self) -> Vec<Option<usize>> {
        self.table
            .fields()
            .iter()
            .map(|f| {
                self.columns
                    .iter()
                    .position(|c| c.field.as_deref() == Some(f.name))
            })
            .collect()
    }

    /// Maps column `col` to `field` (or to nothing), as the user chose; any other column that
    /// fed the same field is unmapped. Returns false for an unknown column or field.
    pub fn set(&mut self, col: usize, field: Option<&str>) -> bool {
        if col >= self.columns.len() || field.is_some_and(|f| self.table.field_index(f).is_none()) {
            return false;
        }
        if let Some(f) = field {
            for c in &mut self.columns {
                if c.field.as_deref() == Some(f) {
                    c.field = None;
                    c.matched_by = None;
                    c.confidence = 0.0;
                }
            }
        }
        if let Some(c) = self.columns.get_mut(col) {
            c.field = field.map(str::to_owned);
            c.matched_by = field.map(|_| MatchKind::Override);
            c.confidence = if field.is_some() { 1.0 } else { 0.0 };
        }
        true
    }

    /// Source columns mapped to nothing.
    pub fn unmapped(&self) -> impl Iterator<Item = &ColumnMapping> {
        self.columns.iter().filter(|c| c.field.is_none())
    }

    /// Canonical required fields no column feeds.
    pub fn missing_required(&self) -> Vec<&'static str> {
        let cols = self.field_columns();
        self.table
            .fields()
            .iter()
            .zip(cols)
            .filter(|(f, c)| f.required && c.is_none())
            .map(|(f, _)| f.name)
            .collect()
    }
}

/// The signature of a file's shape (its normalised headers), under which a chosen mapping is
/// remembered.
pub fn shape_of(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| normalize_header(h))
        .collect::<Vec<_>>()
        .join("|")
}

/// A table kind with how well the columns fit it.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct TableScore {
    pub table: TableKind,
    pub score: f64,
}

/// Whether a header names some canonical field of any table (used to find the header row).
pub fn is_known_header(h: &str) -> bool {
    let n = normalize_header(h);
    !n.is_empty()
        && SYNONYMS
            .iter()
            .any(|(f, syn)| normalize_header(f) == n || syn.contains(&n.as_str()))
}

/// How well `header` names `field`: exact, synonym, fuzzy, or not at all.
fn name_match(norm: &str, field: &str) -> Option<(MatchKind, f64)> {
    if norm.is_empty() {
        return None;
    }
    if norm == normalize_header(field) {
        return Some((MatchKind::Exact, 1.0));
    }
    let syn = SYNONYMS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(&[][..], |(_, s)| *s);
    if syn.contains(&norm) {
        return Some((MatchKind::Synonym, 0.9));
    }
    // Fuzzy: one contains the other, with at least two CJK characters or four ASCII letters in
    // common so that `id` or `时间` alone does not match everything; the more of the longer name
    // the common part covers, the surer.
    let len = |s: &str| s.chars().count();
    let long_enough = |s: &str| len(s) >= if s.is_ascii() { 4 } else { 2 };
    if !long_enough(norm) {
        return None;
    }
    std::iter::once(normalize_header(field))
        .chain(syn.iter().map(|s| (*s).to_owned()))
        .filter(|s| long_enough(s) && (norm.contains(s.as_str()) || s.contains(norm)))
        .map(|s| {
            let (short, long) = (len(&s).min(len(norm)), len(&s).max(len(norm)));
            0.4 + 0.3 * short as f64 / long as f64
        })
        .max_by(f64::total_cmp)
        .map(|c| (MatchKind::Fuzzy, c))
}

/// Share of the non-empty sampled values that parse as `ty` (1 when none are non-empty).
fn agreement(ty: FieldType, values: &[&str]) -> f64 {
    let ok = |v: &str| match ty {
        FieldType::Text => true,
        FieldType::Timestamp => Timestamp::parse(v).is_some(),
        FieldType::Money => Money::parse(v).is_some(),
        FieldType::Count => v
            .replace(',', "")
            .trim_end_matches(".0")
            .parse::<u32>()
            .is_ok(),
        FieldType::Number => v.replace(',', "").parse::<f64>().is_ok_and(f64::is_finite),
        FieldType::Enum(k) => k.accepts(v),
        FieldType::CustomerTypes => CustomerTypeSet::parse(v).is_some(),
    };
    let mut n = 0usize;
    let mut good = 0usize;
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        n += 1;
        good += usize::from(ok(v));
    }
    if n == 0 { 1.0 } else { good as f64 / n as f64 }
}

/// Guesses the mapping of `headers` onto table `kind`, using up to the given sample rows.
pub fn guess_mapping(kind: TableKind, headers: &[String], sample: &[Row<'_>]) -> Mapping {
    let norms: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let mut candidates: Vec<(f64, usize, usize, MatchKind)> = Vec::new();
    let mut column_values: Vec<Vec<&str>> = vec![Vec::new(); headers.len()];
    for row in sample {
        for (j, vals) in column_values.iter_mut().enumerate() {
            vals.push(row.get(j));
        }
    }
    for (j, norm) in norms.iter().enumerate() {
        for (fi, spec) in kind.fields().iter().enumerate() {
            if let Some((how, base)) = name_match(norm, spec.name) {
                let agree = column_values.get(j).map_or(1.0, |v| agreement(spec.ty, v));
                let conf = base * (0.5 + 0.5 * agree);
                candidates.push((conf, j, fi, how));
            }
        }
    }
    // Best candidates first; each column and each field is used once.
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut columns: Vec<ColumnMapping> = headers
        .iter()
        .map(|h| ColumnMapping {
            source: h.clone(),
            field: None,
            confidence: 0.0,
            matched_by: None,
        })
        .collect();
    let mut field_used = vec![false; kind.fields().len()];
    for (conf, j, fi, how) in candidates {
        let (Some(col), Some(used)) = (columns.get_mut(j), field_used.get_mut(fi)) else {
            continue;
        };
        if col.field.is_some() || *used {
            continue;
        }
        *used = true;
        col.field = kind.fields().get(fi).map(|f| f.name.to_owned());
        col.confidence = (conf * 100.0).round() / 100.0;
        col.matched_by = Some(how);
    }
    Mapping {
        table: kind,
        columns,
    }
}

/// How well a mapping fits its table: the confidence of the mapped columns, plus one for each
/// required field present, less two for each missing; a file-name hint adds one or three.
fn fit(m: &Mapping, file_name: &str) -> f64 {
    let mapped: f64 = m.columns.iter().map(|c| c.confidence).sum();
    let cols = m.field_columns();
    let mut req = 0.0;
    for (f, c) in m.table.fields().iter().zip(&cols) {
        if f.required {
            req += if c.is_some() { 1.0 } else { -2.0 };
        }
    }
    mapped + req + file_hint(m.table, file_name)
}

fn file_hint(kind: TableKind, file_name: &str) -> f64 {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.split('.').next().unwrap_or(base);
    if TableKind::parse(stem) == Some(kind) {
        return 3.0;
    }
    let lower = stem.to_lowercase();
    let hinted = FILE_HINTS
        .iter()
        .filter(|(k, _)| *k == kind)
        .any(|(_, words)| words.iter().any(|w| lower.contains(w)));
    if hinted { 1.0 } else { 0.0 }
}

/// The table kinds ranked by fit, best first, each with its guessed mapping.
pub fn rank_tables(
    file_name: &str,
    headers: &[String],
    sample: &[Row<'_>],
) -> Vec<(TableScore, Mapping)> {
    let mut out: Vec<(TableScore, Mapping)> = TableKind::ALL
        .iter()
        .map(|&k| {
            let m = guess_mapping(k, headers, sample);
            let score = (fit(&m, file_name) * 100.0).round() / 100.0;
            (TableScore { table: k, score }, m)
        })
        .collect();
    out.sort_by(|a, b| b.0.score.total_cmp(&a.0.score));
    out
}

/// Whether the best-ranked table is a real guess: some column mapped and a positive fit.
pub fn is_confident(score: &TableScore, mapping: &Mapping) -> bool {
    score.score > 0.0 && mapping.columns.iter().any(|c| c.field.is_some())
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::import::grid::Grid;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| (*s).to_owned()).collect()
    }

    fn pairs(m: &Mapping) -> Vec<(String, Option<String>)> {
        m.columns
            .iter()
            .map(|c| (c.source.clone(), c.field.clone()))
            .collect()
    }

    #[test]
    fn every_canonical_field_has_synonyms() {
        for k in TableKind::ALL {
            for f in k.fields() {
                let syn = SYNONYMS.iter().find(|(n, _)| *n == f.name);
                assert!(
                    syn.is_some_and(|(_, s)| s.len() >= 3),
                    "{}.{} lacks synonyms",
                    k,
                    f.name
                );
            }
        }
    }

    #[test]
    fn maps_a_chinese_leads_export() {
        let h = headers(&[
            "线索编号",
            "创建时间",
            "线索来源",
            "所属区域",
            "负责人",
            "首次跟进时间",
            "线索状态",
            "成交金额",
            "备注说明",
        ]);
        let mut g = Grid::new();
        for c in [
            "L1",
            "2024/3/5 9:00",
            "展会",
            "华东",
            "R1",
            "2024-03-06",
            "赢单",
            "¥1,200",
            "x",
        ] {
            g.push_cell(c);
        }
        g.end_row(2);
        let ranked = rank_tables("export.csv", &h, &[g.row(0)]);
        let (score, m) = &ranked[0];
        assert_eq!(score.table, TableKind::Leads);
        let p = pairs(m);
        let f = |i: usize| p[i].1.as_deref();
        assert_eq!(
            (f(0), f(1), f(2), f(3), f(4), f(5), f(6), f(7), f(8)),
            (
                Some("lead_id"),
                Some("created_at"),
                Some("source"),
                Some("region"),
                Some("assigned_rep_id"),
                Some("first_contact_at"),
                Some("stage"),
                Some("won_value"),
                None
            )
        );
        assert_eq!(m.columns[0].matched_by, Some(MatchKind::Synonym));
        assert_eq!(m.columns[0].confidence, 0.9);
    }

    #[test]
    fn guesses_orders_and_customers_from_their_columns() {
        let orders = headers(&[
            "订单编号",
            "客户编号",
            "下单日期",
            "订单金额(元)",
            "负责人",
            "数量",
        ]);
        let (s, m) = &rank_tables("x.csv", &orders, &[])[0];
        assert_eq!(s.table, TableKind::Orders);
        assert_eq!(m.columns[3].field.as_deref(), Some("amount"));
        assert_eq!(m.columns[4].field.as_deref(), Some("rep_id"));

        let customers = headers(&[
            "Customer ID",
            "Customer Name",
            "Type",
            "Channel",
            "Owner",
            "Region",
        ]);
        let (s, m) = &rank_tables("x.csv", &customers, &[])[0];
        assert_eq!(s.table, TableKind::Customers);
        assert_eq!(m.columns[0].matched_by, Some(MatchKind::Exact));
        assert_eq!(m.columns[1].matched_by, Some(MatchKind::Synonym));
        assert_eq!(m.columns[4].field.as_deref(), Some("owner_rep_id"));
        assert_eq!(m.missing_required(), Vec::<&str>::new());
    }

    #[test]
    fn canonical_headers_map_exactly_and_values_weigh_in() {
        let h: Vec<String> = TableKind::Orders
            .fields()
            .iter()
            .map(|f| f.name.to_owned())
            .collect();
        let mut g = Grid::new();
        for c in ["O1", "C1", "not a date", "12", "", "", "", ""] {
            g.push_cell(c);
        }
        g.end_row(2);
        let m = guess_mapping(TableKind::Orders, &h, &[g.row(0)]);
        assert_eq!(m.columns[0].confidence, 1.0);
        assert_eq!(m.columns[0].matched_by, Some(MatchKind::Exact));
        assert_eq!(
            m.columns[2].confidence, 0.5,
            "a date column whose value is no date"
        );
    }

    #[test]
    fn fuzzy_matches_and_overrides_round_trip_through_json() {
        let h = headers(&["线索来源渠道", "客户编号", "无关列"]);
        let mut m = guess_mapping(TableKind::Customers, &h, &[]);
        assert_eq!(m.columns[0].field.as_deref(), Some("source"));
        assert_eq!(m.columns[0].matched_by, Some(MatchKind::Fuzzy));
        assert!(m.set(2, Some("source")));
        assert_eq!(m.columns[0].field, None);
        assert!(!m.set(2, Some("won_value")), "not a customers field");
        let json = serde_json::to_string(&m).unwrap();
        let back: Mapping = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert_eq!(shape_of(&h), "线索来源渠道|客户编号|无关列");
        assert_eq!(
            normalize_header("\u{feff}Customer_ID（必填）"),
            "customerid"
        );
    }
}
