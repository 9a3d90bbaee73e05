//! `feed keygen`, `feed build`, `feed verify`: what a list publisher runs.

use super::key_text;
use crate::args::{FeedCommand, FeedOptions};
use crate::output::bytes_bar;
use anyhow::{Context, Result, bail};
use canhgiac_core::now_unix;
use canhgiac_core::publisher::{self, Built, EntrySet, Options};
use serde_json::{Value, json};
use std::path::Path;

pub fn run(cmd: FeedCommand) -> Result<()> {
    match cmd {
        FeedCommand::Keygen { out } => keygen(&out),
        FeedCommand::Build {
            input,
            key,
            out,
            feed,
            json,
        } => build(&input, &key, &out, &feed, json),
        FeedCommand::Verify { dir, keys } => verify(&dir, &keys),
        FeedCommand::FollowLink {
            name,
            url,
            keys,
            qr,
        } => follow_link(&name, &url, &keys, qr.as_deref()),
    }
}

/// The follow link of a feed, checked as a phone will read it; and its QR
/// code, when asked.
fn follow_link(name: &str, url: &str, keys: &[String], qr: Option<&Path>) -> Result<()> {
    let keys = keys
        .iter()
        .map(|k| key_text(k))
        .collect::<Result<Vec<_>>>()?;
    let link = canhgiac_core::FollowLink::new(name, url, &keys)?;
    let text = link.to_link();
    if let Some(file) = qr {
        let svg = crate::qr::qr_svg(
            &text,
            "follow-qr",
            &format!("QR code: follow {}", link.name),
        )?;
        std::fs::write(file, svg).with_context(|| format!("writing {}", file.display()))?;
        errln!("QR code written to {}", file.display());
    }
    outln!("{text}");
    Ok(())
}

fn verify(dir: &Path, keys: &[String]) -> Result<()> {
    let keys = keys
        .iter()
        .map(|k| Ok(publisher::parse_public_key(&key_text(k)?)?))
        .collect::<Result<Vec<_>>>()?;
    let m = publisher::check(dir, &keys)?;
    outln!(
        "ok: version {}, {} entries, snapshot {} bytes, {} deltas, signed by {}",
        m.version,
        m.snapshot.entries,
        m.snapshot.file.size,
        m.deltas.len(),
        m.key_id
    );
    Ok(())
}

fn keygen(out: &Path) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let secret = out.join("feed.key");
    if secret.exists() {
        bail!(
            "{} exists; refusing to overwrite a signing key",
            secret.display()
        );
    }
    let key = publisher::generate_key();
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&secret)
        .with_context(|| format!("creating {}", secret.display()))?
        .write_all(publisher::secret_key_text(&key).as_bytes())?;
    let public = hex::encode(key.verifying_key().as_bytes());
    std::fs::write(out.join("feed.pub"), format!("{public}\n"))?;
    outln!("secret key: {} (keep it private)", secret.display());
    outln!(
        "public key: {} ({public}, id {})",
        out.join("feed.pub").display(),
        publisher::key_id(&key.verifying_key())
    );
    Ok(())
}

/// How `opts` (and the version a database recorded, `last`) build a feed.
pub fn options(opts: &FeedOptions, last: Option<u64>) -> Options {
    Options {
        last,
        valid_for: i64::from(opts.valid_days) * 86_400,
        skip_unchanged: opts.skip_unchanged,
        ..Options::new(opts.keep_deltas, opts.now.unwrap_or_else(now_unix))
    }
}

/// What a build wrote, as `--json` reports it.
pub fn built_json(b: &Built) -> Value {
    json!({
        "version": b.version,
        "entries": b.entries,
        "snapshot_bytes": b.snapshot_bytes,
        "delta_bytes": b.delta.as_ref().map(|d| d.file.size),
        "deltas_kept": b.deltas_kept,
        "ladder_files": b.ladder.len(),
        "ladder_bytes": b.ladder.iter().map(|d| d.file.size).sum::<u64>(),
        "ladder_kept": b.ladder_kept,
        "manifest_bytes": b.manifest_bytes,
        "unchanged": b.unchanged,
        "resigned": b.resigned,
        "removed_files": b.removed_files,
    })
}

/// The build in words: a new version, or an unchanged list.
pub fn built_text(b: &Built) -> String {
    if b.unchanged {
        return format!(
            "version {} unchanged: no new version{}",
            b.version,
            if b.resigned {
                ", the manifest signed again before it expires"
            } else {
                ""
            }
        );
    }
    format!(
        "version {}: {} entries, snapshot {} bytes ({:.2} bytes/entry){}{}",
        b.version,
        b.entries,
        b.snapshot_bytes,
        b.snapshot_bytes as f64 / b.entries.max(1) as f64,
        b.delta
            .as_ref()
            .map(|d| format!(", delta from {} {} bytes", d.from, d.file.size))
            .unwrap_or_default(),
        if b.ladder.is_empty() {
            String::new()
        } else {
            format!(
                ", {} ladder deltas {} bytes",
                b.ladder.len(),
                b.ladder.iter().map(|d| d.file.size).sum::<u64>()
            )
        }
    )
}

fn build(input: &Path, key: &Path, out: &Path, opts: &FeedOptions, json: bool) -> Result<()> {
    let key = publisher::parse_secret_key(
        &std::fs::read_to_string(key).with_context(|| format!("reading {}", key.display()))?,
    )?;
    let file =
        std::fs::File::open(input).with_context(|| format!("cannot read {}", input.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = bytes_bar(size);
    bar.set_message("reading");
    let parsed = publisher::parse_csv(std::io::BufReader::new(bar.wrap_read(file)))?;
    let mut set = EntrySet::default();
    for (target, rep) in parsed.rows {
        set.insert(target, rep);
    }
    bar.set_message("compressing and signing");
    bar.set_length(0);
    let built = publisher::build_with(out, &set, &key, &options(opts, None))?;
    bar.finish_and_clear();
    for r in &parsed.rejected {
        errln!("{r} (skipped)");
    }
    if json {
        let mut v = built_json(&built);
        v["rejected"] = json!(parsed.rejected.len());
        outln!("{v}");
    } else {
        outln!("{}", built_text(&built));
    }
    Ok(())
}
