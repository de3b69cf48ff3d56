//! The canonical enumerations of SPEC §1, each accepting its Chinese and English synonyms.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Lower-cases ASCII, drops spaces, `-` and `_`, so that `Key Account`, `key-account` and
/// `KEY_ACCOUNT` compare equal; CJK text passes through unchanged.
fn fold(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '\u{3000}'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

macro_rules! canonical_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $canon:literal $([$($syn:literal),* $(,)?])?),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical (English, snake_case) name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $canon),+
                }
            }

            /// Accepts the canonical name or any synonym, ignoring case, spaces, `-` and `_`.
            pub fn parse(s: &str) -> Option<Self> {
                // Canonical values (what the demo and `convert` write) skip the folding,
                // which allocates: this keeps imports of canonical files fast.
                $(
                    if s == $canon {
                        return Some($name::$variant);
                    }
                )+
                let f = fold(s);
                if f.is_empty() {
                    return None;
                }
                $(
                    if f == fold($canon) $($(|| f == fold($syn))*)? {
                        return Some($name::$variant);
                    }
                )+
                None
            }

            pub const fn index(self) -> usize {
                self as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

canonical_enum! {
    /// A rep's role.
    Role {
        KeyAccount = "key_account" ["ka", "key account manager", "大客户经理", "大客户代表", "KA经理", "大客户销售"],
        Field = "field" ["field sales", "地推", "外勤", "业务员", "销售代表", "区域销售", "外勤销售"],
        Inside = "inside" ["inside sales", "内勤", "内销", "内勤销售", "客服销售"],
        Telesales = "telesales" ["tele sales", "telemarketing", "电销", "电话销售", "电话营销", "电销专员"],
    }
}

canonical_enum! {
    /// A customer's size class.
    CustomerType {
        Ka = "ka" ["key account", "大客户", "重点客户", "关键客户", "KA客户", "战略客户"],
        Large = "large" ["l", "big", "大型", "大型客户", "大"],
        Medium = "medium" ["m", "mid", "中型", "中型客户", "中等", "中"],
        Small = "small" ["s", "小型", "小型客户", "小客户", "小"],
    }
}

canonical_enum! {
    /// The retail or trade channel a customer sells through.
    Channel {
        Hypermarket = "hypermarket" ["大卖场", "大型超市", "卖场", "大型商超"],
        Supermarket = "supermarket" ["超市", "商超", "连锁超市"],
        Convenience = "convenience" ["convenience store", "便利店", "便利", "小卖部", "夫妻店"],
        Wholesale = "wholesale" ["wholesaler", "distributor", "批发", "批发商", "经销商", "分销商"],
        Online = "online" ["ecommerce", "e-commerce", "线上", "电商", "网店", "网络"],
        Catering = "catering" ["horeca", "food service", "餐饮", "餐饮店", "酒店餐饮"],
        Other = "other" ["others", "其他", "其它"],
    }
}

canonical_enum! {
    /// How far a lead has gone in the funnel.
    Stage {
        New = "new" ["新建", "新线索", "待跟进", "未跟进", "新"],
        Contacted = "contacted" ["已联系", "已跟进", "跟进中", "初步接触"],
        Qualified = "qualified" ["已确认", "合格", "有效", "有效线索", "已验证", "意向"],
        Proposal = "proposal" ["negotiation", "quote", "方案", "报价", "谈判", "报价中", "商务谈判"],
        Won = "won" ["closed won", "赢单", "成交", "已成交", "签约", "已签约"],
        Lost = "lost" ["closed lost", "输单", "丢单", "失败", "无效", "无效线索", "流失", "关闭"],
    }
}

impl Stage {
    /// Position in the funnel; `Lost` is terminal but reaches no further than where it fell out.
    pub const fn funnel_rank(self) -> u8 {
        match self {
            Stage::New => 0,
            Stage::Contacted => 1,
            Stage::Qualified => 2,
            Stage::Proposal => 3,
            Stage::Won => 4,
            Stage::Lost => 0,
        }
    }

    pub const fn is_closed(self) -> bool {
        matches!(self, Stage::Won | Stage::Lost)
    }
}

canonical_enum! {
    /// What a rep did.
    ActivityKind {
        Visit = "visit" ["拜访", "上门", "上门拜访", "走访"],
        Call = "call" ["phone", "电话", "通话", "致电", "电话沟通"],
        Message = "message" ["wechat", "sms", "消息", "微信", "短信"],
        Meeting = "meeting" ["会议", "会面", "面谈"],
    }
}

canonical_enum! {
    /// What an ownership-log row is about.
    EntityKind {
        Lead = "lead" ["线索"],
        Customer = "customer" ["客户"],
    }
}

canonical_enum! {
    /// Why ownership changed.
    OwnershipReason {
        Assign = "assign" ["assigned", "分配", "分派", "指派"],
        Claim = "claim" ["claimed", "领取", "认领", "抢单"],
        ReclaimNoFollowUp = "reclaim_no_follow_up" ["未跟进回收", "超时未跟进", "未跟进"],
        ReclaimNoDeal = "reclaim_no_deal" ["未成交回收", "超时未成交", "未成交"],
        ReclaimOther = "reclaim_other" ["reclaim", "回收", "其他回收", "系统回收"],
        Transfer = "transfer" ["转移", "转交", "移交"],
        Return = "return" ["returned", "退回", "放弃", "退回公海", "主动退回"],
    }
}

impl OwnershipReason {
    pub const fn is_reclaim(self) -> bool {
        matches!(
            self,
            OwnershipReason::ReclaimNoFollowUp
                | OwnershipReason::ReclaimNoDeal
                | OwnershipReason::ReclaimOther
        )
    }
}

canonical_enum! {
    /// The scale of a survey score.
    SurveyScale {
        /// Customer satisfaction, 1..=5.
        Csat5 = "csat5" ["csat", "满意度", "5分制"],
        /// Net promoter, 0..=10.
        Nps10 = "nps10" ["nps", "净推荐值", "10分制"],
    }
}

/// A set of customer types (a rep's skills), as a bitset.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerTypeSet(pub u8);

impl CustomerTypeSet {
    pub const EMPTY: Self = Self(0);

    pub fn contains(self, t: CustomerType) -> bool {
        self.0 & (1 << t.index()) != 0
    }

    pub fn insert(&mut self, t: CustomerType) {
        self.0 |= 1 << t.index();
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = CustomerType> {
        CustomerType::ALL
            .iter()
            .copied()
            .filter(move |t| self.contains(*t))
    }

    /// Parses a `;`-separated list (also `,`, `、`, `；`, `|`); `None` if any item is unknown.
    pub fn parse(s: &str) -> Option<Self> {
        let mut set = Self::EMPTY;
        for part in s.split([';', ',', '、', '；', '|', '，']) {
            if part.trim().is_empty() {
                continue;
            }
            set.insert(CustomerType::parse(part)?);
        }
        Some(set)
    }

    /// `ka;large` in canonical order.
    pub fn to_canonical(self) -> String {
        self.iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn synonyms_map_to_canonical_values() {
        assert_eq!(Stage::parse("赢单"), Some(Stage::Won));
        assert_eq!(Stage::parse("成交"), Some(Stage::Won));
        assert_eq!(Stage::parse(" Closed Won "), Some(Stage::Won));
        assert_eq!(CustomerType::parse("大客户"), Some(CustomerType::Ka));
        assert_eq!(CustomerType::parse("KA"), Some(CustomerType::Ka));
        assert_eq!(Role::parse("Key-Account"), Some(Role::KeyAccount));
        assert_eq!(Channel::parse("便利店"), Some(Channel::Convenience));
        assert_eq!(
            OwnershipReason::parse("reclaim_no_follow_up"),
            Some(OwnershipReason::ReclaimNoFollowUp)
        );
        assert_eq!(SurveyScale::parse("NPS"), Some(SurveyScale::Nps10));
        assert_eq!(Stage::parse("maybe"), None);
        assert_eq!(Stage::parse(""), None);
    }

    #[test]
    fn canonical_names_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(*s));
        }
        for r in OwnershipReason::ALL {
            assert_eq!(OwnershipReason::parse(r.as_str()), Some(*r));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::parse(&c.to_string()), Some(*c));
        }
    }

    #[test]
    fn skill_sets() {
        let s = CustomerTypeSet::parse("ka; 中型、small").unwrap();
        assert!(s.contains(CustomerType::Ka) && s.contains(CustomerType::Medium));
        assert!(!s.contains(CustomerType::Large));
        assert_eq!(s.to_canonical(), "ka;medium;small");
        assert_eq!(CustomerTypeSet::parse("ka;giant"), None);
        assert_eq!(CustomerTypeSet::parse(""), Some(CustomerTypeSet::EMPTY));
    }
}
