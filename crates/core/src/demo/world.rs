//! The demo organisation's fixed world: regions, reps with their hidden skills and speeds,
//! sources, campaigns, and the true win model the generator draws outcomes from.
//!
//! Everything here is derived from the seed alone, so a test (or the simulator's validation)
//! can rebuild the same world and ask it for the true probabilities behind the data.

use super::Scale;
use super::sample::*;
use crate::model::{Channel, CustomerType, CustomerTypeSet, Role, Timestamp};
use rand_chacha::ChaCha8Rng;

/// First day of the demo history.
pub const DEMO_START: Timestamp = Timestamp::from_days(crate::model::days_from_civil(2024, 1, 1));
/// Days of history: 2024-01-01 ..= 2025-12-31.
pub const DEMO_DAYS: i64 = 731;
/// The day after the history: the natural `--as-of` for reports on the demo.
pub const DEMO_AS_OF: Timestamp = DEMO_START.add_days(DEMO_DAYS);

pub struct Region {
    pub name: &'static str,
    pub cities: &'static [&'static str],
    /// Share of lead and customer demand.
    pub demand: f64,
    /// Share of reps; regions whose rep share is below their demand share run overloaded.
    pub staffing: f64,
}

pub const REGIONS: &[Region] = &[
    Region {
        name: "华东",
        cities: &["上海", "杭州", "南京", "苏州", "宁波"],
        demand: 0.26,
        staffing: 0.24,
    },
    Region {
        name: "华南",
        cities: &["广州", "深圳", "东莞", "佛山"],
        demand: 0.20,
        staffing: 0.15,
    },
    Region {
        name: "华北",
        cities: &["北京", "天津", "石家庄", "太原"],
        demand: 0.16,
        staffing: 0.18,
    },
    Region {
        name: "华中",
        cities: &["武汉", "长沙", "郑州"],
        demand: 0.12,
        staffing: 0.12,
    },
    Region {
        name: "西南",
        cities: &["成都", "重庆", "昆明"],
        demand: 0.11,
        staffing: 0.13,
    },
    Region {
        name: "西北",
        cities: &["西安", "兰州"],
        demand: 0.07,
        staffing: 0.09,
    },
    Region {
        name: "东北",
        cities: &["沈阳", "哈尔滨", "长春"],
        demand: 0.08,
        staffing: 0.09,
    },
];

pub struct Source {
    pub name: &'static str,
    pub share: f64,
    /// Log-odds of a win relative to the baseline.
    pub log_odds: f64,
    /// Cost per lead in yuan.
    pub cost_per_lead: f64,
    /// Customer-type mix (ka, large, medium, small).
    pub type_mix: [f64; 4],
}

pub const SOURCES: &[Source] = &[
    Source {
        name: "官网",
        share: 0.16,
        log_odds: 0.0,
        cost_per_lead: 40.0,
        type_mix: [0.03, 0.12, 0.35, 0.50],
    },
    Source {
        name: "展会",
        share: 0.12,
        log_odds: 0.35,
        cost_per_lead: 260.0,
        type_mix: [0.10, 0.30, 0.40, 0.20],
    },
    Source {
        name: "电话营销",
        share: 0.18,
        log_odds: -0.55,
        cost_per_lead: 25.0,
        type_mix: [0.01, 0.06, 0.33, 0.60],
    },
    Source {
        name: "转介绍",
        share: 0.10,
        log_odds: 0.75,
        cost_per_lead: 80.0,
        type_mix: [0.06, 0.20, 0.40, 0.34],
    },
    Source {
        name: "地推",
        share: 0.18,
        log_odds: 0.10,
        cost_per_lead: 60.0,
        type_mix: [0.01, 0.08, 0.36, 0.55],
    },
    Source {
        name: "线上广告",
        share: 0.16,
        log_odds: -0.35,
        cost_per_lead: 55.0,
        type_mix: [0.01, 0.05, 0.30, 0.64],
    },
    Source {
        name: "经销商推荐",
        share: 0.10,
        log_odds: 0.45,
        cost_per_lead: 90.0,
        type_mix: [0.04, 0.22, 0.44, 0.30],
    },
];

/// Per customer type (ka, large, medium, small).
pub struct Segment {
    pub ty: CustomerType,
    /// Log-odds of a win relative to the baseline.
    pub log_odds: f64,
    /// Median deal value (yuan) of a lead of this type.
    pub deal_value: f64,
    /// Median repurchase cycle in days.
    pub cycle_days: f64,
    /// Probability that a customer drops out after each order (BG/NBD's p).
    pub dropout: f64,
    /// Median order amount (yuan).
    pub order_value: f64,
    /// Mean days from first contact to a won deal.
    pub sales_cycle_days: f64,
    /// Share of the existing customer base.
    pub base_share: f64,
}

pub const SEGMENTS: [Segment; 4] = [
    Segment {
        ty: CustomerType::Ka,
        log_odds: -0.6,
        deal_value: 180_000.0,
        cycle_days: 10.0,
        dropout: 0.008,
        order_value: 26_000.0,
        sales_cycle_days: 45.0,
        base_share: 0.03,
    },
    Segment {
        ty: CustomerType::Large,
        log_odds: -0.3,
        deal_value: 55_000.0,
        cycle_days: 14.0,
        dropout: 0.015,
        order_value: 7_500.0,
        sales_cycle_days: 30.0,
        base_share: 0.12,
    },
    Segment {
        ty: CustomerType::Medium,
        log_odds: 0.0,
        deal_value: 18_000.0,
        cycle_days: 21.0,
        dropout: 0.03,
        order_value: 2_400.0,
        sales_cycle_days: 20.0,
        base_share: 0.35,
    },
    Segment {
        ty: CustomerType::Small,
        log_odds: 0.15,
        deal_value: 5_500.0,
        cycle_days: 30.0,
        dropout: 0.05,
        order_value: 800.0,
        sales_cycle_days: 10.0,
        base_share: 0.50,
    },
];

/// Baseline log-odds of a lead being won (about 24 % before other effects).
pub const BASE_LOG_ODDS: f64 = -1.15;
/// Win log-odds lost per unit of `ln(1 + response_hours / 24)`.
pub const RESPONSE_DECAY: f64 = 0.55;
/// Win log-odds of a lead handed to a second owner after a no-follow-up reclaim.
pub const REASSIGN_FRESH_LOG_ODDS: f64 = -0.15;
/// Extra win log-odds of a lead reassigned after a no-deal reclaim (a stale deal).
pub const REASSIGN_STALE_LOG_ODDS: f64 = -0.9;
/// Extra log-odds of the one "star" rep per customer type over the best other rep of the type.
pub const STAR_SKILL: f64 = 1.1;

/// Channel mix per customer type, and the channel's effect on the repurchase cycle.
pub fn channel_for(ty: CustomerType, rng: &mut ChaCha8Rng) -> Channel {
    use Channel::*;
    let (chs, w): (&[Channel], &[f64]) = match ty {
        CustomerType::Ka => (&[Hypermarket, Supermarket, Online], &[0.45, 0.4, 0.15]),
        CustomerType::Large => (
            &[Supermarket, Hypermarket, Wholesale, Online, Catering],
            &[0.35, 0.15, 0.25, 0.15, 0.10],
        ),
        CustomerType::Medium => (
            &[Supermarket, Wholesale, Convenience, Catering, Online, Other],
            &[0.2, 0.25, 0.2, 0.15, 0.15, 0.05],
        ),
        CustomerType::Small => (
            &[Convenience, Catering, Wholesale, Online, Other],
            &[0.45, 0.25, 0.1, 0.12, 0.08],
        ),
    };
    chs[pick_weighted(rng, w)]
}

pub fn channel_cycle_factor(ch: Channel) -> f64 {
    match ch {
        Channel::Hypermarket | Channel::Supermarket => 1.0,
        Channel::Convenience => 0.8,
        Channel::Wholesale => 0.75,
        Channel::Online => 1.25,
        Channel::Catering => 0.9,
        Channel::Other => 1.2,
    }
}

/// A demo rep and the hidden traits the generator draws from.
pub struct DemoRep {
    pub id: String,
    pub name: String,
    pub team: String,
    pub region: usize,
    pub role: Role,
    pub capacity: u32,
    pub skills: CustomerTypeSet,
    pub active_from: Option<Timestamp>,
    pub active_to: Option<Timestamp>,
    pub monthly_cost: f64,
    /// Hidden win log-odds by customer type.
    pub skill: [f64; 4],
    /// Hidden median response time in hours when not overloaded.
    pub response_hours: f64,
    /// Hidden share of customers the rep keeps visiting (0..1); neglect drives churn.
    pub diligence: f64,
    /// Hidden satisfaction offset on the CSAT scale.
    pub satisfaction: f64,
}

impl DemoRep {
    pub fn is_active_at(&self, t: Timestamp) -> bool {
        self.active_from.is_none_or(|f| f <= t) && self.active_to.is_none_or(|e| t <= e)
    }
}

pub struct DemoCampaign {
    pub id: String,
    pub name: String,
    pub source: usize,
    pub start: Timestamp,
    pub end: Timestamp,
    pub cost: f64,
    /// Extra leads per day while running.
    pub leads_per_day: f64,
    /// Win log-odds of its leads relative to the source's.
    pub lift: f64,
}

/// The world of one seed and scale.
pub struct DemoWorld {
    pub scale: Scale,
    pub reps: Vec<DemoRep>,
    pub campaigns: Vec<DemoCampaign>,
    /// Index of the star rep per customer type.
    pub stars: [usize; 4],
    pub base_leads_per_day: f64,
    pub initial_customers: usize,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
    "秀英", "霞", "平", "刚", "桂英", "建华", "晓东", "丽",
];
const TEAM_NAMES: &[&str] = &["一组", "二组", "三组", "四组", "五组", "六组"];

impl DemoWorld {
    pub fn new(scale: Scale, rng: &mut ChaCha8Rng) -> Self {
        let (n_reps, leads, initial_customers) = match scale {
            Scale::S => (40, 10_000.0, 1_100),
            Scale::M => (200, 100_000.0, 26_000),
            Scale::L => (1_000, 1_000_000.0, 120_000),
        };
        let campaign_share = 0.12;
        let base_leads_per_day = leads * (1.0 - campaign_share) / DEMO_DAYS as f64;

        let mut reps = Vec::with_capacity(n_reps);
        let staffing: Vec<f64> = REGIONS.iter().map(|r| r.staffing).collect();
        // Team size about eight; capacity so that demand runs near 85 % of it on average.
        let open_days = 24.0;
        let mean_open = leads / DEMO_DAYS as f64 * open_days;
        for i in 0..n_reps {
            let region = if i < REGIONS.len() {
                i
            } else {
                pick_weighted(rng, &staffing)
            };
            let role = match rng_f64(rng) {
                u if u < 0.12 => Role::KeyAccount,
                u if u < 0.58 => Role::Field,
                u if u < 0.78 => Role::Inside,
                _ => Role::Telesales,
            };
            let (skills, cap_weight, cost, speed): (&[CustomerType], f64, f64, f64) = match role {
                Role::KeyAccount => (&[CustomerType::Ka, CustomerType::Large], 0.6, 15_000.0, 0.8),
                Role::Field => (
                    &[
                        CustomerType::Large,
                        CustomerType::Medium,
                        CustomerType::Small,
                    ],
                    1.0,
                    9_000.0,
                    1.2,
                ),
                Role::Inside => (
                    &[CustomerType::Medium, CustomerType::Small],
                    1.3,
                    7_000.0,
                    0.7,
                ),
                Role::Telesales => (
                    &[CustomerType::Small, CustomerType::Medium],
                    1.6,
                    6_000.0,
                    0.5,
                ),
            };
            let mut set = CustomerTypeSet::EMPTY;
            let mut skill = [0.0; 4];
            for (k, s) in skill.iter_mut().enumerate() {
                *s = 0.35 * normal(rng);
                if skills.contains(&CustomerType::ALL[k]) {
                    *s += 0.3;
                }
            }
            for t in skills {
                set.insert(*t);
            }
            let capacity = (mean_open / n_reps as f64 * cap_weight / 1.05 / 0.6
                * lognormal(rng, 0.0, 0.25))
            .round()
            .max(3.0) as u32;
            let active_from =
                (rng_f64(rng) < 0.15).then(|| DEMO_START.add_days(rng_below(rng, 540) as i64 + 30));
            let active_to = (rng_f64(rng) < 0.10).then(|| {
                let from = active_from.unwrap_or(DEMO_START);
                from.add_days(120 + rng_below(rng, 400) as i64)
            });
            let team_count = ((n_reps as f64 * REGIONS[region].staffing / 8.0).round() as usize)
                .clamp(1, TEAM_NAMES.len());
            let team = format!(
                "{}{}",
                REGIONS[region].name,
                TEAM_NAMES[rng_below(rng, team_count as u64) as usize]
            );
            let name = format!(
                "{}{}",
                SURNAMES[rng_below(rng, SURNAMES.len() as u64) as usize],
                GIVEN[rng_below(rng, GIVEN.len() as u64) as usize]
            );
            reps.push(DemoRep {
                id: format!("R{:04}", i + 1),
                name,
                team,
                region,
                role,
                capacity,
                skills: set,
                active_from,
                active_to,
                monthly_cost: (cost * (0.85 + 0.3 * rng_f64(rng))).round(),
                skill,
                response_hours: lognormal(rng, (6.0f64).ln(), 0.8) * speed,
                diligence: 0.3 + 0.7 * rng_f64(rng),
                satisfaction: 0.4 * normal(rng),
            });
        }
        // One star per customer type among the reps skilled in it (and active throughout).
        let mut stars = [0; 4];
        for (k, ty) in CustomerType::ALL.iter().enumerate() {
            let cands: Vec<usize> = (0..reps.len())
                .filter(|&i| {
                    reps[i].skills.contains(*ty)
                        && reps[i].active_from.is_none()
                        && reps[i].active_to.is_none()
                        && !stars[..k].contains(&i)
                })
                .collect();
            let star = if cands.is_empty() {
                k
            } else {
                cands[rng_below(rng, cands.len() as u64) as usize]
            };
            // The edge is planted over the best other rep of the type, so the star is the
            // clear best in it, not merely a good rep made better.
            let best_other = (0..reps.len())
                .filter(|&i| i != star && reps[i].skills.contains(*ty))
                .map(|i| reps[i].skill[k])
                .fold(0.3, f64::max);
            reps[star].skill[k] = reps[star].skill[k].max(best_other) + STAR_SKILL;
            stars[k] = star;
        }

        let mut campaigns = Vec::new();
        let campaign_names = [
            "春节促销",
            "开学季",
            "618大促",
            "中秋礼盒",
            "双十一",
            "年货节",
            "新品试吃",
            "夏日冰饮",
        ];
        let n_campaigns = 16;
        let total_campaign_leads = leads * campaign_share;
        for c in 0..n_campaigns {
            let start = DEMO_START
                .add_days((c as i64 * DEMO_DAYS / n_campaigns as i64) + rng_below(rng, 20) as i64);
            let days = 21 + rng_below(rng, 40) as i64;
            let source = pick_weighted(rng, &SOURCES.iter().map(|s| s.share).collect::<Vec<_>>());
            // Some campaigns bring good leads cheaply, some bring poor leads at a high price.
            let lift = 0.6 * normal(rng);
            let volume = total_campaign_leads / n_campaigns as f64 * lognormal(rng, 0.0, 0.4);
            let cost_per_lead = SOURCES[source].cost_per_lead * lognormal(rng, 0.9, 0.6);
            campaigns.push(DemoCampaign {
                id: format!("CP{:02}", c + 1),
                name: format!(
                    "{}{}",
                    2024 + (start.ymd().0 - 2024),
                    campaign_names[c % campaign_names.len()]
                ),
                source,
                start,
                end: start.add_days(days - 1),
                cost: (volume * cost_per_lead).round(),
                leads_per_day: volume / days as f64,
                lift,
            });
        }
        Self {
            scale,
            reps,
            campaigns,
            stars,
            base_leads_per_day,
            initial_customers,
        }
    }

    /// The true win log-odds of a lead handled by `rep`, before the response delay.
    pub fn win_log_odds(
        &self,
        rep: usize,
        ty: CustomerType,
        source: usize,
        campaign: Option<usize>,
    ) -> f64 {
        BASE_LOG_ODDS
            + SEGMENTS[ty.index()].log_odds
            + SOURCES[source].log_odds
            + self.reps[rep].skill[ty.index()]
            + campaign.map_or(0.0, |c| self.campaigns[c].lift)
    }

    /// The true probability that a lead is won, given who handles it and how fast they respond
    /// (`None`: never contacted, which almost never wins).
    pub fn p_win(
        &self,
        rep: usize,
        ty: CustomerType,
        source: usize,
        campaign: Option<usize>,
        response_hours: Option<f64>,
    ) -> f64 {
        match response_hours {
            None => 0.005,
            Some(h) => logistic(
                self.win_log_odds(rep, ty, source, campaign)
                    - RESPONSE_DECAY * (1.0 + h.max(0.0) / 24.0).ln(),
            ),
        }
    }

    /// The rep's median response time at a given load (open leads / capacity): overloaded reps
    /// respond slower.
    pub fn response_median_hours(&self, rep: usize, load_ratio: f64) -> f64 {
        self.reps[rep].response_hours * (1.0 + 3.0 * (load_ratio - 0.7).max(0.0))
    }

    /// Probability that a lead is never contacted at a given load.
    pub fn p_never_contacted(load_ratio: f64) -> f64 {
        (0.03 + 0.25 * (load_ratio - 1.0).max(0.0)).min(0.6)
    }

    /// Seasonal demand multiplier for a day (Chinese New Year dip, autumn peak).
    pub fn season(t: Timestamp) -> f64 {
        match t.ymd().1 {
            1 => 0.85,
            2 => 0.65,
            3..=5 => 1.0,
            6 => 1.1,
            7 | 8 => 0.95,
            9 | 10 => 1.1,
            11 => 1.25,
            _ => 1.1,
        }
    }
}
