//! `reports …` and `publish`: what a hotline operator runs to turn the
//! messages people send to 156/5656 into the signed list phones sync.
//! Reporters' numbers go in and never come out: every output here is
//! counts, reported numbers and reasons.

use super::{Db, review};
use crate::args::{PublishArgs, ReportsCommand};
use crate::output::{bytes_bar, number_json};
use anyhow::{Context, Result};
use canhgiac_core::format_day;
use canhgiac_core::publisher::{
    self, AllowedSenders, Built, DisputeDecision, InboxFormat, IngestOptions, ListingPolicy,
    Protected, PublishRequest, Published, parse_body,
};
use serde_json::{Value, json};
use std::path::Path;
use std::process::ExitCode;

pub fn run(db: &Db, cmd: ReportsCommand) -> Result<ExitCode> {
    match cmd {
        ReportsCommand::Parse { bodies, json } => return Ok(parse(&bodies, json)),
        ReportsCommand::Init { move_key_out } => init(db, move_key_out)?,
        ReportsCommand::Ingest {
            file,
            format,
            senders_allowed,
            json,
        } => ingest(db, &file, format, senders_allowed.as_deref(), json)?,
        ReportsCommand::Serve(args) => super::serve::run(db, args)?,
        ReportsCommand::AddSource {
            file,
            name,
            official,
            json,
        } => add_source(db, &file, &name, official, json)?,
        ReportsCommand::Dispute {
            number,
            reason,
            operator,
        } => review::dispute(db, &number, &reason, &operator.name)?,
        ReportsCommand::Disputes { json } => review::disputes(db, json)?,
        ReportsCommand::WithdrawDispute {
            id,
            reason,
            operator,
        } => review::decide_dispute(db, id, DisputeDecision::Withdraw, &reason, &operator.name)?,
        ReportsCommand::UpholdDispute {
            id,
            reason,
            operator,
        } => review::decide_dispute(db, id, DisputeDecision::Uphold, &reason, &operator.name)?,
        ReportsCommand::RejectDispute {
            id,
            reason,
            operator,
        } => review::decide_dispute(db, id, DisputeDecision::Reject, &reason, &operator.name)?,
        ReportsCommand::Held { json } => review::held(db, json)?,
        ReportsCommand::Approve {
            number,
            reason,
            operator,
        } => review::decide(db, &number, true, &reason, &operator.name)?,
        ReportsCommand::Reject {
            number,
            reason,
            operator,
        } => review::decide(db, &number, false, &reason, &operator.name)?,
        ReportsCommand::Audit { run, number } => {
            let pdb = db.publisher()?;
            let lines = match &number {
                Some(n) => publisher::audit_of(&pdb, n)?,
                None => publisher::audit_log(&pdb, run)?,
            };
            for line in lines {
                outln!("{line}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Makes the publisher database and its reporter key, or moves the key of
/// an older database out.
fn init(db: &Db, move_key_out: bool) -> Result<()> {
    let path = db.publisher_path()?;
    let key = db.reporter_key.as_deref().context(
        "name the reporter key file with --reporter-key FILE (or CANHGIAC_REPORTER_KEY_FILE): keep it apart from the database and its backups",
    )?;
    if move_key_out {
        publisher::PublisherDb::move_key_out(path, key)?;
        outln!(
            "the reporter key of {} is now in {} (and no longer in the database): back it up apart from the database",
            path.display(),
            key.display()
        );
    } else {
        publisher::PublisherDb::create(path, key)?;
        outln!(
            "made {} and its reporter key {}: back the key up apart from the database (lost, every reporter counts as new)",
            path.display(),
            key.display()
        );
    }
    Ok(())
}

/// One JSON object (or line) per body; exit 1 if any body is not a report.
fn parse(bodies: &[String], json: bool) -> ExitCode {
    let mut failed = false;
    for body in bodies {
        match parse_body(body) {
            Ok(sms) => {
                if json {
                    outln!(
                        "{}",
                        json!({
                            "input": body,
                            "keyword": sms.keyword.as_str(),
                            "number": sms.number().map(|n| number_json(&sms.written, n)),
                            "sender_id": sms.sender_id(),
                            "content": sms.content,
                            "category": sms.category.as_str(),
                        })
                    );
                } else {
                    let who = sms
                        .number()
                        .map_or_else(|| sms.written.clone(), |n| n.display.clone());
                    outln!(
                        "{}: {} {who} [{}] {}",
                        body,
                        sms.keyword,
                        sms.category,
                        sms.content
                    );
                }
            }
            Err(e) => {
                failed = true;
                if json {
                    outln!(
                        "{}",
                        json!({"input": body, "error": e.to_string(), "code": e.code()})
                    );
                } else {
                    outln!("{body}: not a report: {e}");
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn open_read(path: &Path) -> Result<(std::fs::File, u64)> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok((file, size))
}

/// The `--senders-allowed` file, read whole, or none.
pub(super) fn allowed_senders(path: Option<&Path>) -> Result<AllowedSenders> {
    Ok(match path {
        None => AllowedSenders::default(),
        Some(list) => {
            let (file, _) = open_read(list)?;
            AllowedSenders::from_csv(std::io::BufReader::new(file))
                .with_context(|| format!("--senders-allowed {}", list.display()))?
        }
    })
}

fn ingest(
    db: &Db,
    path: &Path,
    format: Option<InboxFormat>,
    senders_allowed: Option<&Path>,
    json: bool,
) -> Result<()> {
    let allowed_senders = allowed_senders(senders_allowed)?;
    let options = IngestOptions {
        format: format
            .or_else(|| InboxFormat::from_path(path))
            .unwrap_or_default(),
        allowed_senders,
    };
    let mut pdb = db.publisher()?;
    let (file, size) = open_read(path)?;
    let bar = bytes_bar(size);
    bar.set_message("ingesting");
    let summary = publisher::ingest(&mut pdb, bar.wrap_read(file), &options)
        .with_context(|| format!("{}", path.display()))?;
    bar.finish_and_clear();
    if json {
        outln!("{}", serde_json::to_string(&summary)?);
        return Ok(());
    }
    outln!(
        "{} rows: {} ingested, {} already there, {} rejected",
        summary.rows,
        summary.ingested,
        summary.duplicates,
        summary.rejected
    );
    // The summary keeps the first lines of each reason: shown by reason,
    // each followed by how many more there were.
    for (code, count) in &summary.rejected_by_reason {
        let prefix = format!("{code}:");
        let shown = summary
            .rejected_rows
            .iter()
            .filter(|r| r.reason.starts_with(&prefix));
        let mut n = 0;
        for r in shown {
            outln!("  {r}");
            n += 1;
        }
        if *count > n {
            outln!("  … and {} more ({code})", count - n);
        }
    }
    Ok(())
}

fn add_source(db: &Db, path: &Path, name: &str, official: bool, json: bool) -> Result<()> {
    let mut pdb = db.publisher()?;
    let (file, _) = open_read(path)?;
    let s = publisher::add_source(&mut pdb, std::io::BufReader::new(file), name, official)?;
    if json {
        outln!("{}", serde_json::to_string(&s)?);
    } else {
        outln!(
            "{}{}: {} rows, {} added, {} updated, {} unchanged, {} rejected",
            s.source,
            if s.official { " (official)" } else { "" },
            s.rows,
            s.added,
            s.updated,
            s.unchanged,
            s.rejected.len()
        );
        for r in &s.rejected {
            outln!("  {r}");
        }
    }
    Ok(())
}

/// The policy file, its protected list read relative to it. Any line of
/// the protected list that is not a number refuses the publish: a list
/// read in part protects in part.
fn policy(path: Option<&Path>) -> Result<(ListingPolicy, Protected)> {
    let Some(path) = path else {
        return Ok((ListingPolicy::default(), Protected::default()));
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut policy: ListingPolicy = toml::from_str(&text)
        .with_context(|| format!("{} is not a valid policy", path.display()))?;
    policy.check()?;
    let Some(list) = policy.protected.take() else {
        return Ok((policy, Protected::default()));
    };
    let list = path.parent().unwrap_or(Path::new(".")).join(list);
    let (file, _) = open_read(&list)?;
    let (protected, rejected) = Protected::from_csv(std::io::BufReader::new(file))?;
    if let Some(first) = rejected.first() {
        let why = format!(
            "{}: {first}{}; fix the protected list (nothing was published)",
            list.display(),
            match rejected.len() {
                1 => String::new(),
                n => format!(" (and {} more bad lines)", n - 1),
            }
        );
        anyhow::bail!("publish refused: {why}");
    }
    policy.protected = Some(list);
    Ok((policy, protected))
}

/// A publish, or its refusal logged as an error as well as said: whatever
/// stopped it, the operator's monitoring must see it (the exit status
/// stops the upload step).
pub fn publish(db: &Db, args: PublishArgs) -> Result<ExitCode> {
    if let Some(every) = args.every {
        return super::every::run(db, &args, every);
    }
    publish_once(db, &args, &mut None)?;
    Ok(ExitCode::SUCCESS)
}

/// What a publish left in the feed folder, kept by the `--every` loop so
/// that its next tick does not decode the million entries it just wrote.
pub type LastPublished = Option<(publisher::Manifest, publisher::EntrySet)>;

/// One publish; a refusal or failure is logged (ERROR) with its reason.
/// `last` is what the previous tick of this process published (taken, and
/// replaced once this one is committed).
pub fn publish_once(db: &Db, args: &PublishArgs, last: &mut LastPublished) -> Result<Built> {
    publish_or_refuse(db, args, last).inspect_err(|e| match e.downcast_ref::<NotRecorded>() {
        Some(NotRecorded(version)) => tracing::error!(
            reason = %format!("{e:#}"),
            version,
            "feed written, not recorded in the publisher database"
        ),
        None => {
            tracing::error!(reason = %format!("{e:#}"), "no feed published");
            // A refusal is kept for the desk's overview (when and why).
            if let Some(core) = e.downcast_ref::<canhgiac_core::Error>()
                && let Ok(mut pdb) = db.publisher()
                && let Err(note) = publisher::desk::note_refusal(&mut pdb, core)
            {
                tracing::warn!("the refusal could not be kept: {note}");
            }
        }
    })
}

/// The feed folder holds this version, but the database's commit failed:
/// not "no feed published". The next publish decides again and continues
/// after it (see `prepare_publish`).
#[derive(Debug)]
struct NotRecorded(u64);

impl std::fmt::Display for NotRecorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "feed version {} was written, but the publisher database did not record it; the next publish continues after it",
            self.0
        )
    }
}

fn publish_or_refuse(db: &Db, args: &PublishArgs, last: &mut LastPublished) -> Result<Built> {
    let key = publisher::parse_secret_key(
        &std::fs::read_to_string(&args.key)
            .with_context(|| format!("reading {}", args.key.display()))?,
    )?;
    let (policy, protected) = policy(args.policy.as_deref())?;
    let as_of = match &args.as_of {
        None => publisher::today(),
        Some(d) => publisher::parse_day(d)
            .with_context(|| format!("--as-of {d}: not a day (YYYY-MM-DD)"))?,
    };
    if args.new_key {
        // The old feed stays where phones that pin the old key read it.
        let manifest = args.out.join(publisher::MANIFEST_FILE);
        if let Ok(bytes) = std::fs::read(&manifest)
            && publisher::verify(&bytes, &[key.verifying_key()]).is_err()
        {
            anyhow::bail!(
                "{} holds the feed signed by another key, which phones still pin: publish the new key's feed into a new, empty folder",
                args.out.display()
            );
        }
    }
    // What phones following this folder have now: a database that did not
    // publish it (a second `reports init`, a wrong backup) is measured
    // against it.
    let in_folder = publisher::current_since(&args.out, &key, last.take())?;
    let t = std::time::Instant::now();
    let mut pdb = db.publisher()?;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message("deciding the list");
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let pending = publisher::prepare_publish(
        &mut pdb,
        &PublishRequest {
            policy: &policy,
            protected: &protected,
            with_policy: args.policy.is_some(),
            as_of,
            feed_key: publisher::key_id(&key.verifying_key()),
            new_key: args.new_key,
            accept_change: args.accept_change,
            full_decide: args.full_decide,
            in_folder: in_folder.as_ref().map(|(m, list)| (m.version, list)),
        },
    )?;
    tracing::debug!(ms = t.elapsed().as_millis() as u64, "decided and guarded");
    bar.set_message("compressing and signing");
    let t = std::time::Instant::now();
    // The feed first, the database's commit last: see `prepare_publish`.
    let mut opts = super::feed::options(&args.feed, pending.last_version);
    opts.skip_unchanged |= args.every.is_some();
    // The folder's list with this publish's decisions applied, when it is
    // the list the last publish made; else the list as stored.
    let (manifest, folder_list) = match in_folder {
        Some((m, list)) => (Some(m), Some(list)),
        None => (None, None),
    };
    let folder_version = manifest.as_ref().map(|m| m.version);
    let (set, delta) = pending.feed_list(folder_version.zip(folder_list))?;
    tracing::debug!(ms = t.elapsed().as_millis() as u64, "the new list");
    let built = publisher::build_step(&args.out, manifest.zip(delta), &set, &key, &opts)?;
    tracing::debug!(ms = t.elapsed().as_millis() as u64, "feed built");
    let t = std::time::Instant::now();
    let published = pending
        .commit(built.version)
        .context(NotRecorded(built.version))?;
    tracing::debug!(ms = t.elapsed().as_millis() as u64, "committed");
    if args.every.is_some() {
        let manifest = std::fs::read(args.out.join(publisher::MANIFEST_FILE))?;
        *last = Some((publisher::verify(&manifest, &[key.verifying_key()])?, set));
    } else {
        // A one-shot publish exits next: freeing a million entries one by
        // one costs tens of milliseconds that the exit does at once.
        std::mem::forget(set);
    }
    bar.finish_and_clear();
    let report = publish_report(&published, &built, &policy);
    if args.json {
        outln!("{report}");
    } else {
        print_report(&report);
    }
    if built.entries == 0 {
        errln!("warning: the published list is empty (no number met the policy)");
    }
    Ok(built)
}

/// Why a number left the list, in words (by `NotListed` code).
fn removed_why(code: &str) -> &str {
    match code {
        "protected" => "now protected",
        "short_number" => "a short number",
        "sms_only" => "reported by SMS only",
        "expired" => "no report within expire_days (numbers are reassigned)",
        "below_threshold" => "fewer than min_reporters people within window_days",
        "disputed" => "disputed, not enough new reporters since",
        "held" => "held for review (a fixed line or an 1800/1900 number)",
        "rejected" => "rejected by an operator, not enough new reporters since",
        other => other,
    }
}

/// What a person reads before uploading (and `--json` gives as data).
fn publish_report(published: &Published, built: &Built, policy: &ListingPolicy) -> Value {
    let agg = &published.aggregate;
    let c = &agg.counts;
    let mut removed_by: std::collections::BTreeMap<&str, u64> = Default::default();
    for (_, why) in &agg.removed {
        *removed_by.entry(why.as_str()).or_default() += 1;
    }
    json!({
        "run": agg.run,
        "as_of": format_day(agg.as_of),
        // Every value, as the policy names it: a value added later is
        // reported without anyone remembering to list it here.
        "policy": policy,
        "guard": published.changes,
        "reports_reduced": published.reports_reduced,
        // Every number decided, or only those whose evidence changed since
        // the last publish (and why not, when full).
        "decide": agg.decide.mode,
        "decided": agg.decide.decided,
        "full_because": agg.decide.why,
        "feed": super::feed::built_json(built),
        "listed": c.listed,
        "listed_by_official_source": c.listed_by_source,
        "verified_organisation_numbers": c.verified,
        "added": c.added,
        "removed": c.removed,
        "removed_by_reason": removed_by,
        "changed": c.changed,
        "not_listed_by_reason": c.not_listed.iter().map(|(k, v)| (k.as_str(), v)).collect::<std::collections::BTreeMap<_, _>>(),
        "rules": {
            "lowered_burst": c.lowered_burst,
            "held_for_review": c.held_by_reason.iter().map(|(k, v)| (k.as_str(), v)).collect::<std::collections::BTreeMap<_, _>>(),
            "capped_senders": c.capped_senders,
            "numbers_capped_reporters": c.numbers_capped_reporters,
            "numbers_kept_off_by_caps": c.numbers_kept_off_by_caps,
            "rejected_by_operator": c.not_listed.get(&publisher::NotListed::Rejected).copied().unwrap_or(0),
            "disputes_waiting": c.disputes_waiting,
            "curated_labels_dropped": c.curated_labels_dropped,
            "curated_sources_skipped": c.curated_sources_skipped,
        },
        "review_queue": c.held_for_review,
        "held_numbers": agg.held.iter().take(20).map(|h| json!({"number": h.number, "why": h.why.as_str(), "age_days": h.age_days, "reporters": h.reporters, "reports": h.reports})).collect::<Vec<_>>(),
        "disputes_waiting": agg.disputes_waiting.iter().take(20).map(|(id, n, people)| json!({"dispute": id, "number": format!("+{n}"), "reporters": people})).collect::<Vec<_>>(),
        "call_reports": c.call_reports,
        "sms_reports": c.sms_reports,
        "protected_numbers_reported": c.protected_numbers,
        "reports_against_protected": c.protected_reports,
        "top_labels": c.top_labels,
        "rejected_input_by_reason": c.rejected_input,
        "audit": c.audit,
        "added_numbers": agg.added.iter().take(20).map(|k| format!("+{k}")).collect::<Vec<_>>(),
        "removed_numbers": agg.removed.iter().take(20).map(|(k, why)| json!({"number": format!("+{k}"), "reason": why.as_str()})).collect::<Vec<_>>(),
    })
}

fn print_report(r: &Value) {
    let n = |k: &str| r[k].as_u64().unwrap_or(0);
    let f = &r["feed"];
    if f["unchanged"] == true {
        outln!(
            "list unchanged: version {} stays{}",
            f["version"],
            if f["resigned"] == true {
                ", its manifest signed again before it expires"
            } else {
                ""
            }
        );
    } else {
        outln!(
            "  ladder: {} deltas written ({} bytes), {} named; manifest {} bytes",
            f["ladder_files"],
            f["ladder_bytes"],
            f["ladder_kept"],
            f["manifest_bytes"]
        );
    }
    outln!(
        "published version {} as of {}: {} numbers listed ({} by an official source), snapshot {} bytes{}",
        f["version"],
        r["as_of"].as_str().unwrap_or(""),
        n("listed"),
        n("listed_by_official_source"),
        f["snapshot_bytes"],
        f["delta_bytes"]
            .as_u64()
            .map(|b| format!(", delta {b} bytes"))
            .unwrap_or_default()
    );
    outln!(
        "  added {}  removed {}  changed (category or label) {}",
        n("added"),
        n("removed"),
        n("changed")
    );
    outln!(
        "  decide: {}, {} numbers decided{}",
        r["decide"].as_str().unwrap_or(""),
        n("decided"),
        r["full_because"]
            .as_str()
            .map(|why| format!(" ({why})"))
            .unwrap_or_default()
    );
    for c in r["guard"].as_array().into_iter().flatten() {
        outln!(
            "  guard: against {}: {} left, {} joined, {} changed, of {}",
            c["against"].as_str().unwrap_or(""),
            c["left"],
            c["joined"],
            c["changed"],
            c["before"]
        );
    }
    if n("reports_reduced") > 0 {
        outln!(
            "  {} reports past expire_days reduced to number, day, reporter and keyword",
            n("reports_reduced")
        );
    }
    if let Some(by) = r["removed_by_reason"].as_object() {
        for (why, count) in by {
            outln!("    removed: {count} × {}", removed_why(why));
        }
    }
    let rules = &r["rules"];
    let rule = |k: &str| rules[k].as_u64().unwrap_or(0);
    outln!(
        "  listed as suspicious (fewer than confirm_reporters people, or within less than confirm_hours): {}",
        rule("lowered_burst")
    );
    outln!(
        "  senders over a cap (count for nothing): {}; numbers that lost a reporter to them {}, kept off the list {}",
        rule("capped_senders"),
        rule("numbers_capped_reporters"),
        rule("numbers_kept_off_by_caps")
    );
    outln!(
        "  review queue: {} numbers (reports held), rejected by an operator {}",
        n("review_queue"),
        rule("rejected_by_operator")
    );
    for h in r["held_numbers"].as_array().into_iter().flatten() {
        outln!(
            "    held {} days: {} ({}), {} people",
            h["age_days"],
            h["number"].as_str().unwrap_or(""),
            h["why"].as_str().unwrap_or(""),
            h["reporters"]
        );
    }
    if rule("curated_labels_dropped") + rule("curated_sources_skipped") > 0 {
        outln!(
            "  curated text refused now (stored before the rule): {} labels left out, {} sources not read",
            rule("curated_labels_dropped"),
            rule("curated_sources_skipped")
        );
    }
    // The report shows the oldest few; the queue itself has them all.
    let shown = r["held_numbers"].as_array().map_or(0, Vec::len) as u64;
    let more = r["review_queue"]
        .as_u64()
        .unwrap_or(0)
        .saturating_sub(shown);
    if more > 0 {
        outln!("    … and {more} more (reports held lists them all)");
    }
    for d in r["disputes_waiting"].as_array().into_iter().flatten() {
        outln!(
            "    dispute {} waits for an operator: {} stays listed, {} people reported it",
            d["dispute"],
            d["number"].as_str().unwrap_or(""),
            d["reporters"]
        );
    }
    outln!(
        "  reports in the period: {} about calls, {} about SMS",
        n("call_reports"),
        n("sms_reports")
    );
    if let Some(by) = r["not_listed_by_reason"].as_object() {
        let parts: Vec<String> = by.iter().map(|(k, v)| format!("{k} {v}")).collect();
        if !parts.is_empty() {
            outln!("  not listed: {}", parts.join(", "));
        }
    }
    outln!(
        "  protected numbers reported (never listed): {} numbers, {} reports",
        n("protected_numbers_reported"),
        n("reports_against_protected")
    );
    if let Some(labels) = r["top_labels"].as_array().filter(|l| !l.is_empty()) {
        outln!("  top labels:");
        for l in labels {
            outln!(
                "    {:>6}  {}",
                l["numbers"],
                l["label"].as_str().unwrap_or("")
            );
        }
    }
    let audit = &r["audit"];
    outln!(
        "  audit log: {} decisions changed since the last publish ({} lines, {} bytes), {} unchanged",
        audit["changed"],
        audit["lines"],
        audit["bytes"],
        audit["unchanged"]
            .as_object()
            .map_or(0, |u| u.values().filter_map(Value::as_u64).sum::<u64>())
    );
    if let Some(by) = r["rejected_input_by_reason"]
        .as_object()
        .filter(|b| !b.is_empty())
    {
        let parts: Vec<String> = by.iter().map(|(k, v)| format!("{k} {v}")).collect();
        outln!(
            "  rejected input since the last publish: {}",
            parts.join(", ")
        );
    }
}
