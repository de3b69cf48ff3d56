//! A compact, versioned, columnar binary encoding of a [`Dataset`], for storage and backups.
//!
//! Layout: the magic `RLOT`, the format version (varint), the string table, then the eight
//! tables in [`TableKind::ALL`] order, each as a row count followed by one column per field.
//! Optional columns are a presence bitmap followed by the present values only; integers are
//! LEB128 varints, signed ones zigzagged; timestamp columns are delta-coded because exports are
//! mostly sorted by time, which makes most deltas one or two bytes. A FNV-1a checksum of
//! everything before it ends the file, so truncated or altered bytes are refused rather than
//! decoded into wrong data. Decoding validates every symbol and enum index, so a decoded
//! dataset upholds the same invariants as one built by import, and never panics.

use crate::dataset::Dataset;
use crate::model::*;

/// The format version written by [`encode`].
pub const VERSION: u32 = 1;

const MAGIC: &[u8; 4] = b"RLOT";

/// Why bytes could not be decoded into a dataset.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum CodecError {
    #[error("not a reallot dataset file (missing RLOT header)")]
    NotADataset,
    #[error("dataset format version {found} is newer than this app understands ({supported})")]
    TooNew { found: u32, supported: u32 },
    #[error("dataset format version {found} is not supported")]
    Unsupported { found: u32 },
    #[error("the dataset file is damaged (checksum mismatch)")]
    Checksum,
    #[error("the dataset file is damaged: {table}: {detail} at byte {byte}")]
    Corrupt {
        table: &'static str,
        byte: usize,
        detail: &'static str,
    },
}

/// Encodes a dataset in the current format [`VERSION`].
pub fn encode(ds: &Dataset) -> Vec<u8> {
    let mut w = Writer {
        out: Vec::with_capacity(estimate_size(ds)),
    };
    w.out.extend_from_slice(MAGIC);
    w.varint(u64::from(VERSION));
    w.varint(ds.names.len() as u64);
    for s in ds.names.strings() {
        w.varint(s.len() as u64);
        w.out.extend_from_slice(s.as_bytes());
    }
    encode_tables(&mut w, ds);
    let sum = fnv1a(&w.out);
    w.out.extend_from_slice(&sum.to_le_bytes());
    w.out
}

/// Decodes bytes written by [`encode`] of this or an earlier format version.
pub fn decode(bytes: &[u8]) -> Result<Dataset, CodecError> {
    let body = bytes.strip_prefix(MAGIC).ok_or(CodecError::NotADataset)?;
    let (payload, sum) = body
        .split_last_chunk::<4>()
        .ok_or(CodecError::NotADataset)?;
    let covered = bytes.len() - 4;
    if fnv1a(bytes.get(..covered).unwrap_or_default()) != u32::from_le_bytes(*sum) {
        return Err(CodecError::Checksum);
    }
    let mut r = Reader {
        bytes: payload,
        pos: 0,
        table: "header",
        names: 0,
    };
    let version = u32::try_from(r.varint()?).map_err(|_| r.corrupt("version out of range"))?;
    migrate(version, r)
}

/// The migration hook: each past format version decodes through its own reader into today's
/// [`Dataset`]. Version 1 is the first stored format, so there is nothing older to upgrade yet;
/// a version 2 adds an arm here and keeps `decode_v1`.
fn migrate(version: u32, r: Reader<'_>) -> Result<Dataset, CodecError> {
    match version {
        1 => decode_v1(r),
        v if v > VERSION => Err(CodecError::TooNew {
            found: v,
            supported: VERSION,
        }),
        v => Err(CodecError::Unsupported { found: v }),
    }
}

fn estimate_size(ds: &Dataset) -> usize {
    let s = ds.sizes();
    let names: usize = ds.names.strings().map(|s| s.len() + 1).sum();
    names + s.leads * 40 + s.orders * 16 + s.activities * 16 + s.ownership * 12 + 1024
}

/// FNV-1a over 32 bits: enough to catch damaged or truncated files, not an integrity seal.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    /// A column of optional values: the presence bitmap, then each present value.
    fn opt<T: Copy>(&mut self, col: &[Option<T>], mut put: impl FnMut(&mut Self, T)) {
        for chunk in col.chunks(8) {
            let bits = chunk
                .iter()
                .enumerate()
                .fold(0u8, |b, (i, v)| b | (u8::from(v.is_some()) << i));
            self.out.push(bits);
        }
        for v in col.iter().flatten() {
            put(self, *v);
        }
    }

    fn syms(&mut self, col: impl Iterator<Item = Sym>) {
        for s in col {
            self.varint(u64::from(s.0));
        }
    }

    fn opt_syms(&mut self, col: &[Option<Sym>]) {
        self.opt(col, |w, s| w.varint(u64::from(s.0)));
    }

    /// Delta-coded times; `prev` carries across present values of an optional column.
    fn times(&mut self, col: impl Iterator<Item = Timestamp>) {
        let mut prev = 0i64;
        for t in col {
            self.varint(zigzag(t.0.wrapping_sub(prev)));
            prev = t.0;
        }
    }

    fn opt_times(&mut self, col: &[Option<Timestamp>]) {
        let mut prev = 0i64;
        self.opt(col, |w, t| {
            w.varint(zigzag(t.0.wrapping_sub(prev)));
            prev = t.0;
        });
    }

    fn money(&mut self, col: impl Iterator<Item = Money>) {
        for m in col {
            self.varint(zigzag(m.0));
        }
    }

    fn opt_money(&mut self, col: &[Option<Money>]) {
        self.opt(col, |w, m| w.varint(zigzag(m.0)));
    }

    fn f64s(&mut self, col: impl Iterator<Item = f64>) {
        for v in col {
            self.out.extend_from_slice(&v.to_bits().to_le_bytes());
        }
    }

    fn opt_f64s(&mut self, col: &[Option<f64>]) {
        self.opt(col, |w, v| {
            w.out.extend_from_slice(&v.to_bits().to_le_bytes())
        });
    }

    /// Enum columns: one byte per row, 0 for none and index + 1 otherwise.
    fn opt_enum(&mut self, col: impl Iterator<Item = Option<usize>>) {
        for v in col {
            self.out.push(v.map_or(0, |i| (i + 1) as u8));
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    table: &'static str,
    /// Size of the string table, against which every symbol is checked.
    names: u32,
}

impl<'a> Reader<'a> {
    fn corrupt(&self, detail: &'static str) -> CodecError {
        CodecError::Corrupt {
            table: self.table,
            byte: self.pos + MAGIC.len(),
            detail,
        }
    }

    fn byte(&mut self) -> Result<u8, CodecError> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| self.corrupt("unexpected end"))?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| self.corrupt("unexpected end"))?;
        let s = self.bytes.get(self.pos..end).unwrap_or_default();
        self.pos = end;
        Ok(s)
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn varint(&mut self) -> Result<u64, CodecError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.corrupt("varint too long"))
    }

    /// A count of items that each take at least `min_bytes`, bounded by what is left, so a
    /// damaged count cannot make us allocate gigabytes.
    fn count(&mut self, min_bytes: usize) -> Result<usize, CodecError> {
        let n = usize::try_from(self.varint()?).map_err(|_| self.corrupt("count too large"))?;
        if n.saturating_mul(min_bytes) > self.remaining() {
            return Err(self.corrupt("count larger than the data"));
        }
        Ok(n)
    }

    fn sym(&mut self) -> Result<Sym, CodecError> {
        let v = self.varint()?;
        match u32::try_from(v) {
            Ok(s) if s < self.names => Ok(Sym(s)),
            _ => Err(self.corrupt("string index out of range")),
        }
    }

    fn syms(&mut self, n: usize) -> Result<Vec<Sym>, CodecError> {
        (0..n).map(|_| self.sym()).collect()
    }

    fn presence(&mut self, n: usize) -> Result<Vec<bool>, CodecError> {
        let bits = self.take(n.div_ceil(8))?;
        Ok((0..n)
            .map(|i| bits.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0))
            .collect())
    }

    fn opt<T>(
        &mut self,
        n: usize,
        mut get: impl FnMut(&mut Self) -> Result<T, CodecError>,
    ) -> Result<Vec<Option<T>>, CodecError> {
        let present = self.presence(n)?;
        present
            .into_iter()
            .map(|p| if p { get(self).map(Some) } else { Ok(None) })
            .collect()
    }

    fn opt_syms(&mut self, n: usize) -> Result<Vec<Option<Sym>>, CodecError> {
        self.opt(n, Self::sym)
    }

    fn times(&mut self, n: usize) -> Result<Vec<Timestamp>, CodecError> {
        let mut prev = 0i64;
        (0..n)
            .map(|_| {
                prev = prev.wrapping_add(unzigzag(self.varint()?));
                Ok(Timestamp(prev))
            })
            .collect()
    }

    fn opt_times(&mut self, n: usize) -> Result<Vec<Option<Timestamp>>, CodecError> {
        let mut prev = 0i64;
        self.opt(n, |r| {
            prev = prev.wrapping_add(unzigzag(r.varint()?));
            Ok(Timestamp(prev))
        })
    }

    fn money(&mut self, n: usize) -> Result<Vec<Money>, CodecError> {
        (0..n)
            .map(|_| Ok(Money(unzigzag(self.varint()?))))
            .collect()
    }

    fn opt_money(&mut self, n: usize) -> Result<Vec<Option<Money>>, CodecError> {
        self.opt(n, |r| Ok(Money(unzigzag(r.varint()?))))
    }

    fn f64(&mut self) -> Result<f64, CodecError> {
        let b = self.take(8)?;
        let arr: [u8; 8] = b.try_into().map_err(|_| self.corrupt("unexpected end"))?;
        Ok(f64::from_bits(u64::from_le_bytes(arr)))
    }

    fn f64s(&mut self, n: usize) -> Result<Vec<f64>, CodecError> {
        (0..n).map(|_| self.f64()).collect()
    }

    fn opt_f64s(&mut self, n: usize) -> Result<Vec<Option<f64>>, CodecError> {
        self.opt(n, Self::f64)
    }

    fn opt_u32s(&mut self, n: usize) -> Result<Vec<Option<u32>>, CodecError> {
        self.opt(n, |r| {
            let v = r.varint()?;
            u32::try_from(v).map_err(|_| r.corrupt("count out of range"))
        })
    }

    fn opt_enum<T: Copy>(&mut self, n: usize, all: &[T]) -> Result<Vec<Option<T>>, CodecError> {
        (0..n)
            .map(|_| match self.byte()? {
                0 => Ok(None),
                b => all
                    .get(usize::from(b) - 1)
                    .copied()
                    .map(Some)
                    .ok_or_else(|| self.corrupt("unknown enum value")),
            })
            .collect()
    }

    fn req_enum<T: Copy>(&mut self, n: usize, all: &[T]) -> Result<Vec<T>, CodecError> {
        self.opt_enum(n, all)?
            .into_iter()
            .map(|v| v.ok_or_else(|| self.corrupt("missing required enum value")))
            .collect()
    }
}

fn col<T, U>(rows: &[T], f: impl Fn(&T) -> U) -> Vec<U> {
    rows.iter().map(f).collect()
}

fn encode_tables(w: &mut Writer, ds: &Dataset) {
    let r = &ds.reps;
    w.varint(r.len() as u64);
    w.syms(r.iter().map(|x| x.id.0));
    w.opt_syms(&col(r, |x| x.name));
    w.opt_syms(&col(r, |x| x.team));
    w.opt_syms(&col(r, |x| x.region));
    w.opt_enum(r.iter().map(|x| x.role.map(Role::index)));
    w.opt(&col(r, |x| x.capacity), |w, v| w.varint(u64::from(v)));
    w.out.extend(r.iter().map(|x| x.skills.0));
    w.opt_times(&col(r, |x| x.active_from));
    w.opt_times(&col(r, |x| x.active_to));
    w.opt_money(&col(r, |x| x.monthly_cost));

    let c = &ds.customers;
    w.varint(c.len() as u64);
    w.syms(c.iter().map(|x| x.id.0));
    w.opt_syms(&col(c, |x| x.name));
    w.opt_enum(c.iter().map(|x| x.customer_type.map(CustomerType::index)));
    w.opt_enum(c.iter().map(|x| x.channel.map(Channel::index)));
    w.opt_syms(&col(c, |x| x.region));
    w.opt_syms(&col(c, |x| x.city));
    w.opt_syms(&col(c, |x| x.level));
    w.opt_times(&col(c, |x| x.created_at));
    w.opt_syms(&col(c, |x| x.owner.map(|o| o.0)));
    w.opt_syms(&col(c, |x| x.source));

    let l = &ds.leads;
    w.varint(l.len() as u64);
    w.syms(l.iter().map(|x| x.id.0));
    w.times(l.iter().map(|x| x.created_at));
    w.opt_syms(&col(l, |x| x.source));
    w.opt_syms(&col(l, |x| x.campaign.map(|v| v.0)));
    w.opt_syms(&col(l, |x| x.region));
    w.opt_enum(l.iter().map(|x| x.customer_type.map(CustomerType::index)));
    w.opt_money(&col(l, |x| x.est_value));
    w.opt_money(&col(l, |x| x.cost));
    w.opt_syms(&col(l, |x| x.assigned_rep.map(|v| v.0)));
    w.opt_times(&col(l, |x| x.assigned_at));
    w.opt_times(&col(l, |x| x.first_contact_at));
    w.opt_enum(l.iter().map(|x| x.stage.map(Stage::index)));
    w.opt_times(&col(l, |x| x.qualified_at));
    w.opt_times(&col(l, |x| x.won_at));
    w.opt_times(&col(l, |x| x.lost_at));
    w.opt_money(&col(l, |x| x.won_value));
    w.opt_syms(&col(l, |x| x.lost_reason));
    w.opt_syms(&col(l, |x| x.customer.map(|v| v.0)));

    let o = &ds.orders;
    w.varint(o.len() as u64);
    w.opt_syms(&col(o, |x| x.id.map(|v| v.0)));
    w.syms(o.iter().map(|x| x.customer.0));
    w.times(o.iter().map(|x| x.date));
    w.money(o.iter().map(|x| x.amount));
    w.opt_syms(&col(o, |x| x.rep.map(|v| v.0)));
    w.opt_enum(o.iter().map(|x| x.channel.map(Channel::index)));
    w.opt_syms(&col(o, |x| x.category));
    w.opt_f64s(&col(o, |x| x.quantity));

    let a = &ds.activities;
    w.varint(a.len() as u64);
    w.opt_syms(&col(a, |x| x.id.map(|v| v.0)));
    w.syms(a.iter().map(|x| x.rep.0));
    w.opt_syms(&col(a, |x| x.lead.map(|v| v.0)));
    w.opt_syms(&col(a, |x| x.customer.map(|v| v.0)));
    w.times(a.iter().map(|x| x.at));
    w.opt_enum(a.iter().map(|x| x.kind.map(ActivityKind::index)));
    w.opt_syms(&col(a, |x| x.outcome));

    let e = &ds.ownership;
    w.varint(e.len() as u64);
    w.opt_enum(e.iter().map(|x| Some(x.entity_kind.index())));
    w.syms(e.iter().map(|x| x.entity));
    w.opt_syms(&col(e, |x| x.rep.map(|v| v.0)));
    w.times(e.iter().map(|x| x.at));
    w.opt_enum(e.iter().map(|x| x.reason.map(OwnershipReason::index)));

    let k = &ds.campaigns;
    w.varint(k.len() as u64);
    w.syms(k.iter().map(|x| x.id.0));
    w.opt_syms(&col(k, |x| x.name));
    w.opt_syms(&col(k, |x| x.channel));
    w.opt_money(&col(k, |x| x.cost));
    w.opt_times(&col(k, |x| x.start));
    w.opt_times(&col(k, |x| x.end));

    let s = &ds.surveys;
    w.varint(s.len() as u64);
    w.opt_syms(&col(s, |x| x.rep.map(|v| v.0)));
    w.opt_syms(&col(s, |x| x.lead.map(|v| v.0)));
    w.opt_syms(&col(s, |x| x.customer.map(|v| v.0)));
    w.times(s.iter().map(|x| x.at));
    w.f64s(s.iter().map(|x| x.score));
    w.opt_enum(s.iter().map(|x| x.scale.map(SurveyScale::index)));
}

fn decode_v1(mut r: Reader<'_>) -> Result<Dataset, CodecError> {
    r.table = "strings";
    let n = r.count(1)?;
    let mut strings = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.count(1)?;
        let s = std::str::from_utf8(r.take(len)?).map_err(|_| r.corrupt("invalid utf-8"))?;
        strings.push(s);
    }
    r.names = u32::try_from(n).map_err(|_| r.corrupt("too many strings"))?;
    let mut ds = Dataset {
        names: Interner::from_strings(strings),
        ..Dataset::default()
    };

    // Every table has a column of at least one byte per row, which bounds each row count.
    r.table = "reps";
    let n = r.count(1)?;
    let id = r.syms(n)?;
    let name = r.opt_syms(n)?;
    let team = r.opt_syms(n)?;
    let region = r.opt_syms(n)?;
    let role = r.opt_enum(n, Role::ALL)?;
    let capacity = r.opt_u32s(n)?;
    let skills = r.take(n)?.to_vec();
    let active_from = r.opt_times(n)?;
    let active_to = r.opt_times(n)?;
    let monthly_cost = r.opt_money(n)?;
    if skills
        .iter()
        .any(|&b| u32::from(b) >> CustomerType::ALL.len() != 0)
    {
        return Err(r.corrupt("unknown customer type in skills"));
    }
    ds.reps = (0..n)
        .map(|i| Rep {
            id: RepId(id[i]),
            name: name[i],
            team: team[i],
            region: region[i],
            role: role[i],
            capacity: capacity[i],
            skills: CustomerTypeSet(skills[i]),
            active_from: active_from[i],
            active_to: active_to[i],
            monthly_cost: monthly_cost[i],
        })
        .collect();

    r.table = "customers";
    let n = r.count(1)?;
    let id = r.syms(n)?;
    let name = r.opt_syms(n)?;
    let ty = r.opt_enum(n, CustomerType::ALL)?;
    let channel = r.opt_enum(n, Channel::ALL)?;
    let region = r.opt_syms(n)?;
    let city = r.opt_syms(n)?;
    let level = r.opt_syms(n)?;
    let created_at = r.opt_times(n)?;
    let owner = r.opt_syms(n)?;
    let source = r.opt_syms(n)?;
    ds.customers = (0..n)
        .map(|i| Customer {
            id: CustomerId(id[i]),
            name: name[i],
            customer_type: ty[i],
            channel: channel[i],
            region: region[i],
            city: city[i],
            level: level[i],
            created_at: created_at[i],
            owner: owner[i].map(RepId),
            source: source[i],
        })
        .collect();

    r.table = "leads";
    let n = r.count(1)?;
    let id = r.syms(n)?;
    let created_at = r.times(n)?;
    let source = r.opt_syms(n)?;
    let campaign = r.opt_syms(n)?;
    let region = r.opt_syms(n)?;
    let ty = r.opt_enum(n, CustomerType::ALL)?;
    let est_value = r.opt_money(n)?;
    let cost = r.opt_money(n)?;
    let assigned_rep = r.opt_syms(n)?;
    let assigned_at = r.opt_times(n)?;
    let first_contact_at = r.opt_times(n)?;
    let stage = r.opt_enum(n, Stage::ALL)?;
    let qualified_at = r.opt_times(n)?;
    let won_at = r.opt_times(n)?;
    let lost_at = r.opt_times(n)?;
    let won_value = r.opt_money(n)?;
    let lost_reason = r.opt_syms(n)?;
    let customer = r.opt_syms(n)?;
    ds.leads = (0..n)
        .map(|i| Lead {
            id: LeadId(id[i]),
            created_at: created_at[i],
            source: source[i],
            campaign: campaign[i].map(CampaignId),
            region: region[i],
            customer_type: ty[i],
            est_value: est_value[i],
            cost: cost[i],
            assigned_rep: assigned_rep[i].map(RepId),
            assigned_at: assigned_at[i],
            first_contact_at: first_contact_at[i],
            stage: stage[i],
            qualified_at: qualified_at[i],
            won_at: won_at[i],
            lost_at: lost_at[i],
            won_value: won_value[i],
            lost_reason: lost_reason[i],
            customer: customer[i].map(CustomerId),
        })
        .collect();

    r.table = "orders";
    let n = r.count(1)?;
    let id = r.opt_syms(n)?;
    let customer = r.syms(n)?;
    let date = r.times(n)?;
    let amount = r.money(n)?;
    let rep = r.opt_syms(n)?;
    let channel = r.opt_enum(n, Channel::ALL)?;
    let category = r.opt_syms(n)?;
    let quantity = r.opt_f64s(n)?;
    ds.orders = (0..n)
        .map(|i| Order {
            id: id[i].map(OrderId),
            customer: CustomerId(customer[i]),
            date: date[i],
            amount: amount[i],
            rep: rep[i].map(RepId),
            channel: channel[i],
            category: category[i],
            quantity: quantity[i],
        })
        .collect();

    r.table = "activities";
    let n = r.count(1)?;
    let id = r.opt_syms(n)?;
    let rep = r.syms(n)?;
    let lead = r.opt_syms(n)?;
    let customer = r.opt_syms(n)?;
    let at = r.times(n)?;
    let kind = r.opt_enum(n, ActivityKind::ALL)?;
    let outcome = r.opt_syms(n)?;
    ds.activities = (0..n)
        .map(|i| Activity {
            id: id[i].map(ActivityId),
            rep: RepId(rep[i]),
            lead: lead[i].map(LeadId),
            customer: customer[i].map(CustomerId),
            at: at[i],
            kind: kind[i],
            outcome: outcome[i],
        })
        .collect();

    r.table = "ownership";
    let n = r.count(1)?;
    let entity_kind = r.req_enum(n, EntityKind::ALL)?;
    let entity = r.syms(n)?;
    let rep = r.opt_syms(n)?;
    let at = r.times(n)?;
    let reason = r.opt_enum(n, OwnershipReason::ALL)?;
    ds.ownership = (0..n)
        .map(|i| OwnershipEvent {
            entity_kind: entity_kind[i],
            entity: entity[i],
            rep: rep[i].map(RepId),
            at: at[i],
            reason: reason[i],
        })
        .collect();

    r.table = "campaigns";
    let n = r.count(1)?;
    let id = r.syms(n)?;
    let name = r.opt_syms(n)?;
    let channel = r.opt_syms(n)?;
    let cost = r.opt_money(n)?;
    let start = r.opt_times(n)?;
    let end = r.opt_times(n)?;
    ds.campaigns = (0..n)
        .map(|i| Campaign {
            id: CampaignId(id[i]),
            name: name[i],
            channel: channel[i],
            cost: cost[i],
            start: start[i],
            end: end[i],
        })
        .collect();

    r.table = "surveys";
    let n = r.count(1)?;
    let rep = r.opt_syms(n)?;
    let lead = r.opt_syms(n)?;
    let customer = r.opt_syms(n)?;
    let at = r.times(n)?;
    let score = r.f64s(n)?;
    let scale = r.opt_enum(n, SurveyScale::ALL)?;
    ds.surveys = (0..n)
        .map(|i| Survey {
            rep: rep[i].map(RepId),
            lead: lead[i].map(LeadId),
            customer: customer[i].map(CustomerId),
            at: at[i],
            score: score[i],
            scale: scale[i],
        })
        .collect();

    r.table = "end";
    if r.remaining() != 0 {
        return Err(r.corrupt("trailing bytes"));
    }
    Ok(ds)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::demo::{DemoConfig, Scale, demo_dataset};

    /// Datasets are equal when their string tables and every table row are equal.
    pub(super) fn assert_same(a: &Dataset, b: &Dataset) {
        assert!(a.names.strings().eq(b.names.strings()));
        assert_eq!(a.reps, b.reps);
        assert_eq!(a.customers, b.customers);
        assert_eq!(a.leads, b.leads);
        assert_eq!(a.orders, b.orders);
        assert_eq!(a.activities, b.activities);
        assert_eq!(a.ownership, b.ownership);
        assert_eq!(a.campaigns, b.campaigns);
        assert_eq!(a.surveys, b.surveys);
    }

    fn small() -> Dataset {
        let mut ds = Dataset::new();
        let rep = [
            "r1",
            "王伟",
            "East",
            "华东",
            "field",
            "12",
            "ka;small",
            "2024-01-01",
            "",
            "8000",
        ];
        assert!(ds.push_record(TableKind::Reps, &rep).kept);
        let lead = [
            "L1",
            "2024-03-05 09:30",
            "展会",
            "",
            "华东",
            "大客户",
            "1200.50",
            "30",
            "r1",
            "2024-03-05 10:00",
            "",
            "赢单",
            "",
            "2024-04-01",
            "",
            "999",
            "",
            "",
        ];
        assert!(ds.push_record(TableKind::Leads, &lead).kept);
        let order = ["", "C1", "2024/3/9", "¥1,234.50", "", "", "饮料", "2.5"];
        assert!(ds.push_record(TableKind::Orders, &order).kept);
        let survey = ["r1", "", "", "2024-05-01", "9", "nps10"];
        assert!(ds.push_record(TableKind::Surveys, &survey).kept);
        let own = ["lead", "L1", "", "2024-03-08", "reclaim_no_follow_up"];
        assert!(ds.push_record(TableKind::Ownership, &own).kept);
        ds
    }

    #[test]
    fn round_trips_a_hand_built_dataset() {
        let ds = small();
        let bytes = encode(&ds);
        assert_eq!(bytes.get(..4), Some(&b"RLOT"[..]));
        assert_eq!(bytes.get(4), Some(&1u8), "version 1 as a one-byte varint");
        let back = decode(&bytes).expect("decodes");
        assert_same(&ds, &back);
        assert_eq!(back.orders[0].amount, Money(123_450));
        assert_eq!(back.surveys[0].scale, Some(SurveyScale::Nps10));
    }

    #[test]
    fn round_trips_the_demo_compactly() {
        let ds = demo_dataset(&DemoConfig {
            scale: Scale::S,
            seed: 7,
        });
        let bytes = encode(&ds);
        let back = decode(&bytes).expect("decodes");
        assert_same(&ds, &back);
        // The columnar form is less than half the canonical CSV (3.75 MB vs 8.8 MB at seed 42).
        let csv: usize = TableKind::ALL
            .iter()
            .map(|k| crate::write::table_csv(&ds, *k).len())
            .sum();
        assert!(
            bytes.len() * 2 < csv,
            "{} bytes vs {csv} of CSV",
            bytes.len()
        );
    }

    #[test]
    fn refuses_damaged_and_foreign_bytes() {
        let bytes = encode(&small());
        assert_eq!(
            decode(b"PK\x03\x04rest").err(),
            Some(CodecError::NotADataset)
        );
        assert_eq!(decode(b"").err(), Some(CodecError::NotADataset));
        let mut flipped = bytes.clone();
        if let Some(b) = flipped.get_mut(20) {
            *b ^= 0x40;
        }
        assert_eq!(decode(&flipped).err(), Some(CodecError::Checksum));
        let truncated = bytes.get(..bytes.len() - 9).unwrap_or_default();
        assert_eq!(decode(truncated).err(), Some(CodecError::Checksum));
    }

    /// Re-seals a payload with a valid checksum, to reach the checks behind it.
    fn sealed(payload: &[u8]) -> Vec<u8> {
        let mut v = MAGIC.to_vec();
        v.extend_from_slice(payload);
        let sum = fnv1a(&v);
        v.extend_from_slice(&sum.to_le_bytes());
        v
    }

    #[test]
    fn dispatches_on_version() {
        assert_eq!(
            decode(&sealed(&[9])).err(),
            Some(CodecError::TooNew {
                found: 9,
                supported: 1
            })
        );
        assert_eq!(
            decode(&sealed(&[0])).err(),
            Some(CodecError::Unsupported { found: 0 })
        );
    }

    #[test]
    fn rejects_symbols_outside_the_string_table() {
        // Version 1, one string "a", one rep whose id is symbol 5.
        let err = decode(&sealed(&[1, 1, 1, b'a', 1, 5])).err();
        assert_eq!(
            err,
            Some(CodecError::Corrupt {
                table: "reps",
                byte: 10,
                detail: "string index out of range"
            })
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests {
    use super::tests::assert_same;
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[a-z0-9]{1,6}",
            "[\u{4e00}-\u{4e20}]{1,3}",
            Just("2024-03-05".to_owned()),
            Just("won".to_owned()),
            Just("12.5".to_owned()),
        ]
    }

    fn records() -> impl Strategy<Value = Vec<(usize, Vec<String>)>> {
        prop::collection::vec((0..8usize, prop::collection::vec(text(), 18)), 0..40)
    }

    proptest! {
        #[test]
        fn encode_then_decode_is_identity(recs in records()) {
            let mut ds = Dataset::new();
            for (k, vals) in &recs {
                let kind = TableKind::ALL[*k];
                let vals: Vec<&str> = vals.iter().map(String::as_str).collect();
                ds.push_record(kind, vals.get(..kind.fields().len()).unwrap_or(&vals));
            }
            let back = decode(&encode(&ds)).expect("round trip");
            assert_same(&ds, &back);
        }

        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode(&bytes);
            let _ = decode(&sealed_any(&bytes));
        }

        #[test]
        fn mutated_valid_files_never_panic(pos in 0usize..400, val in any::<u8>(), cut in 0usize..400) {
            let mut ds = Dataset::new();
            ds.push_record(TableKind::Leads, &["L1", "2024-01-01", "web", "", "", "ka"]);
            ds.push_record(TableKind::Orders, &["o", "C1", "2024-01-02", "5", "r", "online", "", "1"]);
            let mut bytes = encode(&ds);
            let body = bytes.len() - 4;
            if let Some(b) = bytes.get_mut(pos % body.max(1)) { *b = val; }
            bytes.truncate(bytes.len().saturating_sub(cut % 8 + 4));
            let _ = decode(&sealed_any(bytes.get(4..).unwrap_or_default()));
        }
    }

    /// Wraps arbitrary bytes with magic and a valid checksum so decoding gets past both gates.
    fn sealed_any(payload: &[u8]) -> Vec<u8> {
        let mut v = MAGIC.to_vec();
        v.extend_from_slice(payload);
        let sum = fnv1a(&v);
        v.extend_from_slice(&sum.to_le_bytes());
        v
    }
}
