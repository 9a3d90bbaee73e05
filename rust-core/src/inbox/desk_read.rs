//! What the operator's desk shows, read from the publisher database as
//! plain records: the last publishes, reports a day, the review queue with
//! each number's evidence, one number's history, the disputes, the
//! rejected input. Every query is bounded (a page, a limit, a window of
//! days) and runs on an index, so that a page costs the same on a
//! million reports as on a hundred. Nothing here reads or returns a
//! reporter's hash: reporters are only counted.

use super::db::PublisherDb;
use super::disputes::Dispute;
use super::labels::{PATTERNS, pattern_of};
use super::operator::display;
use super::review::{HeldNumber, queue};
use crate::dates;
use crate::error::Result;
use rusqlite::{OptionalExtension, params};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Most publishes, ingests or disputes a page lists.
pub const MAX_ROWS: u32 = 500;
/// Most days of reports a chart spans.
pub const MAX_DAYS: u32 = 366;
/// Reports read for one number's evidence, newest first.
const EVIDENCE_REPORTS: i64 = 2_000;
/// Contents shown for one number, newest first.
const SHOWN_CONTENTS: usize = 20;
/// Audit lines shown for one number, newest first.
const SHOWN_AUDIT_LINES: i64 = 200;

/// One publish, as its counts were recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishRow {
    pub run: i64,
    /// Unix seconds.
    pub at: i64,
    /// `YYYY-MM-DD`.
    pub as_of: String,
    pub listed: u64,
    pub added: u64,
    pub removed: u64,
    /// Why the removed numbers left, when the publish recorded it.
    pub removed_by_reason: Vec<(String, u64)>,
    pub held: u64,
    pub disputes_waiting: u64,
    /// The feed version it was published as (unknown before schema 7).
    pub feed_version: Option<i64>,
    /// Publishes refused after the previous one and up to this one.
    pub refused_before: u64,
}

/// The last `limit` publishes, newest first.
pub fn recent_publishes(db: &PublisherDb, limit: u32) -> Result<Vec<PublishRow>> {
    let mut stmt = db.conn.prepare(
        "SELECT id, at, as_of, counts, feed_version FROM publish_run ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit.min(MAX_ROWS)], |r| {
        let counts: String = r.get(3)?;
        let c: Value = serde_json::from_str(&counts).unwrap_or(Value::Null);
        let n = |k: &str| c.get(k).and_then(Value::as_u64).unwrap_or(0);
        Ok(PublishRow {
            run: r.get(0)?,
            at: r.get(1)?,
            as_of: dates::format_day(r.get(2)?),
            listed: n("listed"),
            added: n("added"),
            removed: n("removed"),
            removed_by_reason: counted(c.get("removed_by_reason")),
            held: n("held_for_review"),
            disputes_waiting: n("disputes_waiting"),
            feed_version: r.get(4)?,
            refused_before: 0,
        })
    })?;
    let mut runs: Vec<PublishRow> = rows.collect::<rusqlite::Result<_>>()?;
    // Each refusal is counted under the publish that came after it.
    let mut refusals = db
        .conn
        .prepare("SELECT count(*) FROM publish_refusal WHERE at > ?1 AND at <= ?2")?;
    for i in 0..runs.len() {
        let after = runs.get(i + 1).map_or(i64::MIN, |r| r.at);
        let n: i64 = refusals.query_row([after, runs[i].at], |r| r.get(0))?;
        runs[i].refused_before = n.max(0) as u64;
    }
    Ok(runs)
}

/// Publishes refused since the last one: when and why, newest first.
pub fn refusals_since_last_publish(db: &PublisherDb) -> Result<Vec<(i64, String)>> {
    let mut stmt = db.conn.prepare(
        "SELECT at, why FROM publish_refusal
          WHERE at > coalesce((SELECT max(at) FROM publish_run), 0)
          ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([MAX_ROWS], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A JSON object of counts (`{"expired": 3}`) as pairs, largest first.
fn counted(v: Option<&Value>) -> Vec<(String, u64)> {
    let mut pairs: Vec<(String, u64)> = v
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_u64()?)))
                .collect()
        })
        .unwrap_or_default();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    pairs
}

/// The labels the last publish's listed numbers carry most, most first.
pub fn top_labels(db: &PublisherDb) -> Result<Vec<(String, u64)>> {
    let counts: Option<String> = db
        .conn
        .query_row(
            "SELECT counts FROM publish_run ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let c: Value = counts
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or(Value::Null);
    Ok(c.get("top_labels")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|l| {
                    Some((
                        l.get("label")?.as_str()?.to_string(),
                        l.get("numbers")?.as_u64()?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default())
}

/// The window (days) of the policy the last publish used, or the default
/// policy's: the overview's chart of reports a day spans it.
pub fn policy_window_days(db: &PublisherDb) -> Result<u32> {
    let policy: Option<String> = db
        .conn
        .query_row(
            "SELECT policy FROM publish_run ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(policy
        .and_then(|p| serde_json::from_str::<Value>(&p).ok())
        .and_then(|p| p.get("window_days")?.as_u64())
        .and_then(|d| u32::try_from(d).ok())
        .unwrap_or(super::policy::ListingPolicy::default().window_days)
        .clamp(1, MAX_DAYS))
}

/// Reports received on one day with one keyword (`LD`, `V`, `S`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub keyword: String,
    pub reports: u64,
}

/// Reports a day by keyword over the `days` days up to `last_day`
/// (included), oldest first.
pub fn reports_by_day(db: &PublisherDb, last_day: i32, days: u32) -> Result<Vec<DayCount>> {
    let first = last_day - i32::try_from(days.clamp(1, MAX_DAYS)).unwrap_or(1) + 1;
    let mut stmt = db.conn.prepare(
        "SELECT day, keyword, count(*) FROM report WHERE day BETWEEN ?1 AND ?2
          GROUP BY day, keyword ORDER BY day, keyword",
    )?;
    let rows = stmt.query_map([first, last_day], |r| {
        Ok(DayCount {
            day: dates::format_day(r.get(0)?),
            keyword: r.get(1)?,
            reports: r.get::<_, i64>(2)?.max(0) as u64,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The day of the newest report, if any (the charts end there).
pub fn last_report_day(db: &PublisherDb) -> Result<Option<i32>> {
    Ok(db
        .conn
        .query_row("SELECT max(day) FROM report", [], |r| r.get(0))?)
}

/// One day of a number's reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Distinct people that day.
    pub reporters: u32,
    pub reports: u32,
}

/// A held number and what an operator weighs: its reporters by day, the
/// share of them that came on its busiest day, the scam patterns its
/// contents name, and the contents themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldEvidence {
    pub held: HeldNumber,
    /// Its E.164 digits (`84901000001`): how the desk's addresses name it.
    pub digits: String,
    /// Oldest first.
    pub days: Vec<NumberDay>,
    /// Of the distinct people who reported it, the share who did so on its
    /// busiest day (0.0–1.0): near 1, a burst.
    pub burst_share: f64,
    /// Scam patterns and how many reports name each, most first.
    pub patterns: Vec<(&'static str, u32)>,
    /// Newest first, at most [`SHOWN_CONTENTS`], as the reporters wrote them.
    pub contents: Vec<String>,
}

/// The review queue, `per_page` numbers from page `page` (0-based), oldest
/// held first, with their evidence; and how many are held in all.
pub fn held_page(db: &PublisherDb, page: u32, per_page: u32) -> Result<(u64, Vec<HeldEvidence>)> {
    let total: i64 = db.conn.query_row(
        "SELECT count(*) FROM review WHERE state = 'held'",
        [],
        |r| r.get(0),
    )?;
    let total = total.max(0) as u64;
    let per_page = i64::from(per_page.clamp(1, MAX_ROWS));
    let held = queue(
        &db.conn,
        dates::now_unix(),
        per_page,
        i64::from(page) * per_page,
    )?;
    let mut out = Vec::with_capacity(held.len());
    for h in held {
        let digits = h.number.trim_start_matches('+').to_string();
        let key: i64 = digits.parse().unwrap_or(0);
        let ev = evidence(db, &Key::Number(key))?;
        out.push(HeldEvidence {
            held: h,
            digits,
            days: ev.days,
            burst_share: ev.burst_share,
            patterns: ev.patterns,
            contents: ev.contents,
        });
    }
    Ok((total, out))
}

/// How a number is stored in `report`: its E.164 digits, or a short
/// number's national form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Number(i64),
    Short(String),
}

impl Key {
    /// The key of any written form of a number (`0901 000 001`, `+84 901
    /// 000 001`, full-width digits, `113`).
    pub fn of(written: &str) -> Result<Key> {
        let n = crate::number::normalize(written)?;
        Ok(match n.e164 {
            Some(e) => Key::Number(
                e.trim_start_matches('+')
                    .parse()
                    .map_err(|_| crate::error::Error::invalid("the number has too many digits"))?,
            ),
            None => Key::Short(n.national),
        })
    }

    /// Its digits, as the desk's addresses name it.
    pub fn digits(&self) -> String {
        match self {
            Key::Number(n) => n.to_string(),
            Key::Short(s) => s.clone(),
        }
    }

    /// As the audit log writes it.
    fn audit_form(&self) -> String {
        match self {
            Key::Number(n) => format!("+{n}"),
            Key::Short(s) => s.clone(),
        }
    }
}

/// A number's evidence, from its newest [`EVIDENCE_REPORTS`] reports.
struct Gathered {
    days: Vec<NumberDay>,
    burst_share: f64,
    patterns: Vec<(&'static str, u32)>,
    contents: Vec<String>,
}

fn evidence(db: &PublisherDb, key: &Key) -> Result<Gathered> {
    let sql = match key {
        Key::Number(_) => {
            "SELECT day, reporter_id, content FROM report WHERE number = ?1
              ORDER BY day DESC LIMIT ?2"
        }
        Key::Short(_) => {
            "SELECT day, reporter_id, content FROM report WHERE short_number = ?1
              ORDER BY day DESC LIMIT ?2"
        }
    };
    let mut stmt = db.conn.prepare_cached(sql)?;
    let mut rows = match key {
        Key::Number(n) => stmt.query(params![n, EVIDENCE_REPORTS])?,
        Key::Short(s) => stmt.query(params![s, EVIDENCE_REPORTS])?,
    };
    // day -> (people that day, reports)
    let mut by_day: BTreeMap<i32, (HashSet<i64>, u32)> = BTreeMap::new();
    let mut people: HashSet<i64> = HashSet::new();
    let mut named = [0u32; PATTERNS.len()];
    let mut contents = Vec::new();
    while let Some(r) = rows.next()? {
        let day: i32 = r.get(0)?;
        let reporter: i64 = r.get(1)?;
        let content: String = r.get(2)?;
        let d = by_day.entry(day).or_default();
        d.0.insert(reporter);
        d.1 += 1;
        people.insert(reporter);
        if let Some(p) = pattern_of(&content) {
            named[usize::from(p)] += 1;
        }
        if contents.len() < SHOWN_CONTENTS && !content.is_empty() {
            contents.push(content);
        }
    }
    let busiest = by_day.values().map(|(p, _)| p.len()).max().unwrap_or(0);
    let burst_share = if people.is_empty() {
        0.0
    } else {
        busiest as f64 / people.len() as f64
    };
    let mut patterns: Vec<(&'static str, u32)> = named
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, n)| (PATTERNS[i].label, *n))
        .collect();
    patterns.sort_by_key(|p| std::cmp::Reverse(p.1));
    Ok(Gathered {
        days: by_day
            .into_iter()
            .map(|(day, (p, reports))| NumberDay {
                day: dates::format_day(day),
                reporters: u32::try_from(p.len()).unwrap_or(u32::MAX),
                reports,
            })
            .collect(),
        burst_share,
        patterns,
        contents,
    })
}

/// Everything the desk knows about one number.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberView {
    pub digits: String,
    /// `0901000001`, or the short number.
    pub display: String,
    /// As the last publish listed it: category, label, since (`YYYY-MM-DD`).
    pub listed: Option<(String, Option<String>, String)>,
    /// Its row in the review queue.
    pub review: Option<ReviewRow>,
    /// Its disputes, newest first.
    pub disputes: Vec<Dispute>,
    /// Its audit lines, newest first, at most [`SHOWN_AUDIT_LINES`].
    pub timeline: Vec<String>,
    /// Its reports by day, oldest first.
    pub days: Vec<NumberDay>,
    pub patterns: Vec<(&'static str, u32)>,
    /// Newest first.
    pub contents: Vec<String>,
}

/// A number's row in the review queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    /// `held`, `approved` or `rejected`.
    pub state: String,
    /// Why a publish held it.
    pub why: Option<String>,
    /// Who decided it, and why.
    pub operator: Option<String>,
    pub reason: Option<String>,
}

/// One number's page.
pub fn number_view(db: &PublisherDb, key: &Key) -> Result<NumberView> {
    let (listed, review, disputes) = match key {
        Key::Number(n) => (
            db.conn
                .query_row(
                    "SELECT category, label, since FROM listed WHERE number = ?1",
                    [n],
                    |r| Ok((r.get(0)?, r.get(1)?, dates::format_day(r.get(2)?))),
                )
                .optional()?,
            db.conn
                .query_row(
                    "SELECT state, why, operator, reason FROM review WHERE number = ?1",
                    [n],
                    |r| {
                        Ok(ReviewRow {
                            state: r.get(0)?,
                            why: r.get(1)?,
                            operator: r.get(2)?,
                            reason: r.get(3)?,
                        })
                    },
                )
                .optional()?,
            number_disputes(db, *n)?,
        ),
        Key::Short(_) => (None, None, Vec::new()),
    };
    let mut stmt = db.conn.prepare_cached(
        "SELECT line FROM audit WHERE json_extract(line, '$.number') = ?1
          ORDER BY id DESC LIMIT ?2",
    )?;
    let timeline = stmt
        .query_map(params![key.audit_form(), SHOWN_AUDIT_LINES], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let ev = evidence(db, key)?;
    Ok(NumberView {
        digits: key.digits(),
        display: match key {
            Key::Number(n) => display(*n),
            Key::Short(s) => s.clone(),
        },
        listed,
        review,
        disputes,
        timeline,
        days: ev.days,
        patterns: ev.patterns,
        contents: ev.contents,
    })
}

fn number_disputes(db: &PublisherDb, number: i64) -> Result<Vec<Dispute>> {
    let mut stmt = db.conn.prepare_cached(&format!(
        "{} WHERE number = ?1 ORDER BY disputed_at DESC, id DESC LIMIT ?2",
        super::disputes::SELECT
    ))?;
    let rows = stmt
        .query_map(params![number, MAX_ROWS], super::disputes::from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The disputes in any of `states`, newest first, at most `limit`.
pub fn disputes_in(db: &PublisherDb, states: &[&str], limit: u32) -> Result<Vec<Dispute>> {
    let marks = vec!["?"; states.len()].join(", ");
    let mut stmt = db.conn.prepare(&format!(
        "{} WHERE state IN ({marks}) ORDER BY id DESC LIMIT {}",
        super::disputes::SELECT,
        limit.min(MAX_ROWS)
    ))?;
    let rows = stmt
        .query_map(
            rusqlite::params_from_iter(states.iter()),
            super::disputes::from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Counts by reason code, most first.
pub type Counts = Vec<(String, u64)>;

/// One ingest (a file, or a gateway's POSTs until a publish read them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestRow {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub gateway: Option<String>,
    pub rows: u64,
    pub ingested: u64,
    /// Rejected lines by reason code, most first.
    pub rejected: Vec<(String, u64)>,
}

/// The last `limit` ingests, newest first, and their rejections summed by
/// reason, most first.
pub fn recent_ingests(db: &PublisherDb, limit: u32) -> Result<(Vec<IngestRow>, Counts)> {
    let mut stmt = db.conn.prepare(
        "SELECT id, at, gateway, rows, ingested, rejected FROM ingest_run
          ORDER BY id DESC LIMIT ?1",
    )?;
    let rows: Vec<IngestRow> = stmt
        .query_map([limit.min(MAX_ROWS)], |r| {
            let rejected: String = r.get(5)?;
            Ok(IngestRow {
                id: r.get(0)?,
                at: r.get(1)?,
                gateway: r.get(2)?,
                rows: r.get::<_, i64>(3)?.max(0) as u64,
                ingested: r.get::<_, i64>(4)?.max(0) as u64,
                rejected: counted(serde_json::from_str::<Value>(&rejected).ok().as_ref()),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut total: HashMap<String, u64> = HashMap::new();
    for row in &rows {
        for (reason, n) in &row.rejected {
            *total.entry(reason.clone()).or_default() += n;
        }
    }
    let mut total: Vec<(String, u64)> = total.into_iter().collect();
    total.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::{IngestOptions, ingest};

    fn new_db() -> (tempfile::TempDir, PublisherDb) {
        let dir = tempfile::tempdir().unwrap();
        let db = PublisherDb::create(&dir.path().join("p.db"), &dir.path().join("p.key")).unwrap();
        (dir, db)
    }

    /// An export of `rows` (sender index, reported number, content) today.
    fn ingest_rows(db: &mut PublisherDb, rows: &[(u32, &str, &str)]) {
        let now = dates::now_unix();
        let mut csv = String::from("received_at,sender,to,body\n");
        for (i, (sender, number, content)) in rows.iter().enumerate() {
            csv.push_str(&format!(
                "{},098100{sender:04},156,\"LD {number} {}\"\n",
                dates::format_time(now - 3600 + i as i64),
                content.replace('"', "\"\"")
            ));
        }
        ingest(db, csv.as_bytes(), &IngestOptions::default()).unwrap();
    }

    #[test]
    fn a_numbers_evidence_counts_people_by_day_and_names_patterns() {
        let (_d, mut db) = new_db();
        ingest_rows(
            &mut db,
            &[
                (1, "0901000001", "mao danh cong an goi bat giu"),
                (2, "0901000001", "<script>alert(1)</script>"),
                (2, "0901000001", "lan nua cong an"),
                (3, "0901000002", "khac"),
            ],
        );
        let v = number_view(&db, &Key::of("+84 901 000 001").unwrap()).unwrap();
        assert_eq!(v.digits, "84901000001");
        assert_eq!(v.display, "0901000001");
        assert_eq!(v.days.len(), 1);
        assert_eq!((v.days[0].reporters, v.days[0].reports), (2, 3));
        assert_eq!(v.patterns, vec![("mạo danh công an, tòa án", 2)]);
        assert_eq!(v.contents.len(), 3);
        assert!(v.contents.iter().any(|c| c.contains("<script>")));
        assert!(v.listed.is_none() && v.review.is_none());
        // Reports a day by keyword are counted from an index alone.
        let plan: String = db
            .conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT day, keyword, count(*) FROM report WHERE day BETWEEN 1 AND 2 GROUP BY day, keyword",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(
            plan.contains("COVERING INDEX report_by_day_keyword"),
            "{plan}"
        );
        // The same number in three written forms is one key.
        for w in ["0901 000 001", "84901000001", "０９０１０００００１"] {
            assert_eq!(Key::of(w).unwrap(), Key::Number(84_901_000_001), "{w}");
        }
        assert_eq!(Key::of("113").unwrap(), Key::Short("113".into()));
        assert!(Key::of("abc").is_err());
    }

    #[test]
    fn the_held_page_is_paged_with_its_evidence_and_the_timeline_found_by_index() {
        let (_d, mut db) = new_db();
        ingest_rows(&mut db, &[(1, "02431000001", "x"), (2, "02431000001", "y")]);
        for n in 0..5i64 {
            db.conn
                .execute(
                    "INSERT INTO review (number, state, why, held_since, reporters, reports, last_day)
                     VALUES (?1, 'held', 'fixed_line', ?2, 2, 2, 20000)",
                    params![842_431_000_001 + n, 1_000 + n],
                )
                .unwrap();
        }
        let (total, page) = held_page(&db, 0, 2).unwrap();
        assert_eq!(total, 5);
        assert_eq!(page.len(), 2);
        assert_eq!(page[0].digits, "842431000001");
        assert_eq!(page[0].days.iter().map(|d| d.reporters).sum::<u32>(), 2);
        assert!((page[0].burst_share - 1.0).abs() < 1e-9);
        let (_, last) = held_page(&db, 2, 2).unwrap();
        assert_eq!(last.len(), 1);
        assert_eq!(last[0].digits, "842431000005");
        crate::inbox::approve(&mut db, "024 3100 0001", "a scam line", "lan").unwrap();
        let v = number_view(&db, &Key::Number(842_431_000_001)).unwrap();
        assert_eq!(v.timeline.len(), 1);
        assert!(
            v.timeline[0].contains("\"operator\":\"lan\""),
            "{}",
            v.timeline[0]
        );
        assert_eq!(v.review.unwrap().state, "approved");
    }

    #[test]
    fn disputes_by_state_and_rejected_input_by_reason() {
        let (_d, mut db) = new_db();
        crate::inbox::dispute(&mut db, "0901000001", "my shop", "lan").unwrap();
        let d = crate::inbox::dispute(&mut db, "0901000002", "mine", "lan").unwrap();
        crate::inbox::decide_dispute(
            &mut db,
            d.id,
            crate::inbox::DisputeDecision::Withdraw,
            "taken back",
            "lan",
        )
        .unwrap();
        assert_eq!(disputes_in(&db, &["open", "waiting"], 10).unwrap().len(), 1);
        assert_eq!(disputes_in(&db, &["withdrawn"], 10).unwrap()[0].id, d.id);
        let csv = "received_at,sender,to,body\n2026-01-01 10:00,0981000001,156,hello\n2026-01-01 10:00,0981000001,156,hi\n";
        ingest(&mut db, csv.as_bytes(), &IngestOptions::default()).unwrap();
        let (runs, total) = recent_ingests(&db, 10).unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(total.iter().map(|(_, n)| n).sum::<u64>(), 2);
    }

    #[test]
    fn a_refusal_is_kept_and_counted_since_the_last_publish_other_errors_are_not() {
        let (_d, mut db) = new_db();
        let refusal = super::super::guard::refused("the list would lose 40% of its entries".into());
        assert!(crate::inbox::note_refusal(&mut db, &refusal).unwrap());
        let other = crate::error::Error::invalid("a mistyped --as-of");
        assert!(!crate::inbox::note_refusal(&mut db, &other).unwrap());
        let since = refusals_since_last_publish(&db).unwrap();
        assert_eq!(since.len(), 1);
        assert_eq!(since[0].1, "the list would lose 40% of its entries");
        // A publish after it: the refusal is counted under that publish.
        db.conn
            .execute(
                "INSERT INTO publish_run (at, as_of, policy, counts, last_ingest, feed_version)
                 VALUES (?1, 20000, '{}', '{\"listed\":7,\"removed_by_reason\":{\"expired\":2}}', 0, 3)",
                [dates::now_unix() + 1],
            )
            .unwrap();
        let runs = recent_publishes(&db, 10).unwrap();
        assert_eq!(runs[0].refused_before, 1);
        assert_eq!(runs[0].feed_version, Some(3));
        assert_eq!(runs[0].listed, 7);
        assert_eq!(runs[0].removed_by_reason, vec![("expired".to_string(), 2)]);
        assert!(refusals_since_last_publish(&db).unwrap().is_empty());
    }
}
