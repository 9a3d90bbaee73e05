//! The sync client: fetch the signed feed, verify it, apply it in one
//! transaction. The only network traffic of the whole product, and it
//! carries nothing about the phone: a plain GET of public static files.
//!
//! Steps: conditional GET of the manifest (If-None-Match); verify signature
//! and pinned key; refuse a version ≤ the stored one; plan the cheapest
//! delta chain, else the snapshot; stream each file within the size the
//! manifest promised and the configured limit, checking size and sha256;
//! decompress within a bound; apply in one transaction. A failure anywhere
//! leaves the database exactly as it was.
//!
//! On a metered network the app gives an allowance (`max_bytes_now`): a
//! plan that costs more is not downloaded at all and the sync says so
//! (`SyncPath::Deferred`), which is not a failure: the list stays as it
//! was, nothing of the new manifest is kept (so the next sync, on Wi-Fi,
//! sees it again rather than a 304), and the next sync without a limit
//! takes the same plan.

mod apply;

pub use apply::apply;

use crate::dates;
use crate::error::{Error, Result};
use crate::feed::codec::Limits;
use crate::feed::{self, FileRef, MANIFEST_FILE, Plan};
use crate::store::{FeedState, ListId, Store, setting};
use ed25519_dalek::VerifyingKey;
use futures_util::StreamExt;
use rustls::pki_types::{CertificateDer, pem};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

/// A manifest is a few kilobytes; anything bigger is not one.
const MANIFEST_LIMIT: u64 = 1 << 20;
/// Default cap on the bytes one sync may download.
pub const DEFAULT_MAX_DOWNLOAD: u64 = 64 << 20;

/// The most a phone's sync limits may be set to, whoever sets them (the
/// app, or a backup file someone edited): the limits are what stands
/// between a publisher's stolen key and the phone's storage, data plan and
/// battery. 16 times the default download and entries, 30 times the
/// default timeout.
const LIMIT_CEILINGS: [(&str, u64); 3] = [
    (setting::FEED_MAX_DOWNLOAD, 1 << 30),
    (setting::FEED_TIMEOUT_SECS, 3_600),
    (setting::FEED_MAX_ENTRIES, 80_000_000),
];

/// The ceiling of the sync limit `setting`, if it is one.
pub fn limit_ceiling(setting: &str) -> Option<u64> {
    LIMIT_CEILINGS
        .iter()
        .find(|(s, _)| *s == setting)
        .map(|(_, c)| *c)
}

/// Why `value` cannot be the sync limit `setting` (one of `LIMIT_CEILINGS`'),
/// if it cannot: 0 would make every sync fail, and above its ceiling it
/// would no longer protect the phone.
pub fn check_limit(setting: &str, value: u64) -> std::result::Result<(), String> {
    let ceiling = limit_ceiling(setting).unwrap_or(0);
    if !(1..=ceiling).contains(&value) {
        return Err(format!("{setting} must be 1 to {ceiling} (is {value})"));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum SyncStage {
    Manifest,
    Download,
    Apply,
}

/// Progress, implemented by the app (a progress bar, a notification).
#[uniffi::export(foreign)]
pub trait SyncProgress: Send + Sync {
    /// `feed`: the name of the feed being synced. `done` and `total` are
    /// bytes while downloading, 0/1 otherwise.
    fn on_progress(&self, feed: String, stage: SyncStage, done: u64, total: u64);
}

/// Where one feed's sync reports its progress: the app's callback, if any,
/// told the feed's name.
#[derive(Clone, Copy)]
pub struct Progress<'a> {
    pub feed: &'a str,
    pub sink: Option<&'a dyn SyncProgress>,
}

#[cfg(test)]
impl Progress<'_> {
    /// No callback (tests, benchmarks).
    pub const NONE: Progress<'static> = Progress {
        feed: "",
        sink: None,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum SyncPath {
    /// Nothing new: one small request.
    UpToDate,
    Delta,
    Snapshot,
    /// A newer list costs more than this sync was allowed to download (a
    /// metered network): nothing was downloaded but the manifest, the list
    /// is as it was, and `deferred_bytes` says what it waits for.
    Deferred,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct SyncOutcome {
    pub from_version: Option<u64>,
    /// The version held afterwards; when `path` is `Deferred`, the version
    /// that waits.
    pub to_version: u64,
    pub path: SyncPath,
    /// Bytes downloaded, manifest included.
    pub bytes_fetched: u64,
    /// Data files downloaded (the manifest not counted): 1 for a snapshot,
    /// the length of the chain for deltas, 0 when up to date.
    pub files_fetched: u64,
    /// This feed's entries in the list afterwards.
    pub entries: u64,
    /// Set when `path` is `Deferred`: the bytes the update needs, more
    /// than this sync's allowance ("waiting for Wi-Fi: 3.1 MB").
    #[uniffi(default = None)]
    pub deferred_bytes: Option<u64>,
}

impl SyncOutcome {
    /// What happened, in a sentence ("downloaded version 3", "version 4
    /// waits for an unmetered network (it needs 3.1 MB, more than the
    /// 256 KB allowed now); …"); `allowance`: the one this sync had.
    pub fn describe(&self, allowance: Option<u64>) -> String {
        match self.path {
            SyncPath::UpToDate => "already up to date".to_string(),
            SyncPath::Delta => format!("updated by delta to version {}", self.to_version),
            SyncPath::Snapshot => format!("downloaded version {}", self.to_version),
            SyncPath::Deferred => format!(
                "version {} waits for an unmetered network (it needs {}{}); the list is as it was",
                self.to_version,
                human_bytes(self.deferred_bytes.unwrap_or(0)),
                allowance
                    .map(|a| format!(", more than the {} allowed now", human_bytes(a)))
                    .unwrap_or_default()
            ),
        }
    }
}

/// "812 B", "256 KB", "3.1 MB" (powers of 1024, as phones show data use):
/// the app says "waiting for Wi-Fi: 3.1 MB" with the CLI's words.
#[uniffi::export]
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 && value.fract() != 0.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

pub struct SyncConfig {
    /// The feed folder (or its manifest.json).
    pub url: String,
    pub keys: Vec<VerifyingKey>,
    pub max_download: u64,
    pub timeout: Duration,
    /// The most entries the list may hold: a bigger list is refused whole.
    pub max_entries: u64,
    /// The most this sync may download after the manifest (a metered
    /// network); a plan that costs more waits (`SyncPath::Deferred`).
    pub max_bytes_now: Option<u64>,
    /// Roots trusted beside the compiled-in ones: only the desktop CLI sets
    /// them (`sync --extra-root-cert`, a publisher testing a private CA);
    /// the app has no way to, so a phone trusts exactly what it shipped with.
    pub extra_roots: Vec<CertificateDer<'static>>,
}

/// The most certificates, and bytes of PEM, an extra-roots file may hold:
/// a CA's root and perhaps a cross-signed one, not a system store.
const MAX_EXTRA_ROOTS: usize = 16;
const MAX_EXTRA_ROOTS_PEM: usize = 1 << 20;

/// The certificates of a PEM file (`-----BEGIN CERTIFICATE-----` blocks),
/// each checked to be usable as a root; other blocks (a private key left
/// in by mistake) are refused rather than skipped, so the file is what the
/// publisher thinks it is.
pub fn parse_extra_roots(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    if pem.len() > MAX_EXTRA_ROOTS_PEM {
        return Err(Error::invalid(format!(
            "the root certificate file is over {} bytes: it should hold a few PEM certificates",
            MAX_EXTRA_ROOTS_PEM
        )));
    }
    let mut roots = Vec::new();
    let sections = <(pem::SectionKind, Vec<u8>) as pem::PemObject>::pem_slice_iter(pem);
    for (i, item) in sections.enumerate() {
        let (kind, der) = item.map_err(|e| {
            Error::invalid(format!(
                "block {} of the root certificate file is not readable PEM ({e})",
                i + 1
            ))
        })?;
        if kind != pem::SectionKind::Certificate {
            return Err(Error::invalid(format!(
                "block {} of the root certificate file is a {kind:?}, not a certificate: the file should hold the CA's certificates only",
                i + 1
            )));
        }
        let cert = CertificateDer::from(der);
        if roots.len() == MAX_EXTRA_ROOTS {
            return Err(Error::invalid(format!(
                "the root certificate file holds more than {MAX_EXTRA_ROOTS} certificates"
            )));
        }
        rustls::RootCertStore::empty()
            .add(cert.clone())
            .map_err(|e| {
                Error::invalid(format!(
                    "certificate {} of the root certificate file cannot be a root: {e}",
                    i + 1
                ))
            })?;
        roots.push(cert);
    }
    if roots.is_empty() {
        return Err(Error::invalid(
            "the root certificate file holds no certificate (-----BEGIN CERTIFICATE-----)",
        ));
    }
    Ok(roots)
}

/// What a fetch brought, ready to apply.
pub struct Fetched {
    /// The version stored when the fetch began (whatever its feed).
    from: Option<u64>,
    state: FeedState,
    data: Option<Downloaded>,
    bytes: u64,
    files: u64,
    limits: Limits,
    /// The plan's bytes, when they were over the allowance and nothing was
    /// downloaded; `state` is then the manifest's, never stored.
    deferred: Option<u64>,
}

pub(crate) enum Downloaded {
    /// The file, and the entry count the signed manifest promised.
    Snapshot(Vec<u8>, u64),
    Deltas(Vec<Vec<u8>>),
}

fn client(timeout: Duration, extra_roots: &[CertificateDer<'static>]) -> Result<reqwest::Client> {
    // Mozilla's roots compiled in (webpki-roots): no JVM, no system store,
    // the same trust on every Android version.
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for cert in extra_roots {
        roots
            .add(cert.clone())
            .map_err(|e| Error::invalid(format!("an extra root certificate: {e}")))?;
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| Error::Network(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        // The manifest is JSON fetched at every sync, most of a phone's
        // daily bytes: gzip halves it. The data files are brotli already
        // and servers leave them as they are. The limits bound the bytes
        // after decompression, so a gzip bomb stops at them.
        .gzip(true)
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("CanhGiac/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Network(e.to_string()))
}

/// The folder URL, ending in `/`, whatever form was given.
fn base_url(url: &str) -> Result<reqwest::Url> {
    let trimmed = url.trim();
    let folder = trimmed.strip_suffix(MANIFEST_FILE).unwrap_or(trimmed);
    let folder = if folder.ends_with('/') {
        folder.to_string()
    } else {
        format!("{folder}/")
    };
    let u = reqwest::Url::parse(&folder)
        .map_err(|e| Error::invalid(format!("the feed address is not a URL: {e}")))?;
    // Files are fetched relative to the folder: a query or fragment would
    // silently be dropped from every file but the manifest.
    if u.query().is_some() || u.fragment().is_some() {
        return Err(Error::invalid(
            "the feed address must be a plain folder address, without ?… or #…",
        ));
    }
    if !matches!(u.scheme(), "https" | "http") {
        return Err(Error::invalid("the feed address must start with https://"));
    }
    Ok(u)
}

/// What went wrong with a request, in words a person can act on. reqwest's
/// own texts are generic ("error sending request"); the cause is further
/// down its chain.
fn http_error(what: &str, e: reqwest::Error) -> Error {
    let chain = {
        let mut parts = Vec::new();
        let mut cause: Option<&dyn std::error::Error> = Some(&e);
        while let Some(c) = cause {
            parts.push(c.to_string());
            cause = c.source();
        }
        parts.join(": ").to_ascii_lowercase()
    };
    let why = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_redirect() {
        "the server redirects in a loop or too many times".to_string()
    } else if chain.contains("too large") || chain.contains("header") && chain.contains("large") {
        "the server's response headers are too large".to_string()
    } else if e.is_body()
        || e.is_decode()
        || chain.contains("incomplete")
        || chain.contains("closed")
    {
        "the server closed the connection before sending what it announced".to_string()
    } else if let Some(at) = chain.find("invalid peer certificate") {
        // rustls names why ("unknownissuer", "notvalidforname", "expired"):
        // a publisher behind a private CA needs that word to act on.
        format!(
            "the server's certificate is not trusted ({}); a phone trusts only public CAs",
            chain[at..].split(':').nth(1).unwrap_or("").trim()
        )
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        // reqwest's chain names the URL, which is public; keep it short.
        e.without_url().to_string()
    };
    Error::Network(format!("{what}: {why}"))
}

/// Streams one file, checking it against its manifest entry on the way.
async fn download(
    http: &reqwest::Client,
    base: &reqwest::Url,
    f: &FileRef,
    progress: Progress<'_>,
    done: &mut u64,
    total: u64,
) -> Result<Vec<u8>> {
    let url = base.join(&f.name).map_err(|e| Error::Feed(e.to_string()))?;
    let resp = http
        .get(url)
        .send()
        .await
        .map_err(|e| http_error(&f.name, e))?;
    if !resp.status().is_success() {
        return Err(Error::Network(format!(
            "{}: HTTP {}",
            f.name,
            resp.status()
        )));
    }
    // Never preallocated from the promised size: a manifest may promise
    // 100 GiB. The body grows with what really arrives, within `f.size`.
    let mut body = Vec::new();
    let mut hash = Sha256::new();
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| http_error(&f.name, e))?;
        if body.len() as u64 + chunk.len() as u64 > f.size {
            return Err(Error::Feed(format!(
                "{} is longer than the manifest says",
                f.name
            )));
        }
        hash.update(&chunk);
        body.extend_from_slice(&chunk);
        *done += chunk.len() as u64;
        report(progress, SyncStage::Download, *done, total);
    }
    if (body.len() as u64) < f.size {
        return Err(Error::Feed(format!(
            "{} was cut short ({} of {} bytes)",
            f.name,
            body.len(),
            f.size
        )));
    }
    if hex::encode(hash.finalize()) != f.sha256 {
        return Err(Error::Feed(format!(
            "{} does not match its sha256: damaged or tampered",
            f.name
        )));
    }
    Ok(body)
}

/// Names the publisher a sync talks to: its pinned keys. As in TUF, a
/// stored version binds the keys, not the address: the same publisher's
/// older manifest served from a mirror is a rollback like any other.
fn scope_of(keys: &[VerifyingKey]) -> String {
    let mut keys: Vec<String> = keys.iter().map(|k| hex::encode(k.as_bytes())).collect();
    keys.sort();
    keys.join(",")
}

/// Refuses a manifest past its expiry: a mirror that keeps serving an old,
/// validly signed list must not freeze a phone unnoticed.
fn not_expired(expires_at: Option<i64>, now: i64) -> Result<()> {
    match expires_at {
        Some(t) if now > t => Err(Error::Feed(format!(
            "the feed expired on {}: the server may be stuck on an old list; your list is kept as it was",
            dates::format_time(t)
        ))),
        _ => Ok(()),
    }
}

/// Reads the manifest body, never more than `MANIFEST_LIMIT` bytes, whatever
/// the server says or does not say about its length.
async fn manifest_body(resp: reqwest::Response) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| http_error(MANIFEST_FILE, e))?;
        if body.len() as u64 + chunk.len() as u64 > MANIFEST_LIMIT {
            return Err(Error::Feed("the manifest is too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Fetches and verifies everything needed; changes nothing.
pub async fn fetch(
    store: &Store,
    feed: ListId,
    cfg: &SyncConfig,
    progress: Progress<'_>,
) -> Result<Fetched> {
    if cfg.keys.is_empty() {
        return Err(Error::invalid("no public key is pinned for the feed"));
    }
    let base = base_url(&cfg.url)?;
    let http = client(cfg.timeout, &cfg.extra_roots)?;
    let limits = Limits {
        max_entries: cfg.max_entries,
        ..Limits::now()
    };
    let scope = scope_of(&cfg.keys);
    let stored = store.feed_state(feed)?;
    let from = stored.as_ref().map(|s| s.version);
    // What we hold counts only if the same keys signed it: after a switch
    // of keys, the new feed starts from its snapshot; a new address of the
    // same publisher goes on from the version held, and never back.
    let held = stored
        .as_ref()
        .filter(|s| s.scope.as_deref() == Some(scope.as_str()));
    let have = held.map(|s| s.version);
    report(progress, SyncStage::Manifest, 0, 1);

    let mut req = http.get(base.join(MANIFEST_FILE).expect("a plain file name joins"));
    // An ETag is the server's own word: sent back only to the address it came from.
    let etag_sent = held
        .filter(|s| s.etag_url.as_deref() == Some(base.as_str()))
        .and_then(|s| s.etag.clone());
    if let Some(etag) = &etag_sent {
        req = req.header(reqwest::header::IF_NONE_MATCH, etag);
    }
    let resp = req.send().await.map_err(|e| http_error(MANIFEST_FILE, e))?;
    let now = dates::now_unix();
    if resp.status() == reqwest::StatusCode::NOT_MODIFIED {
        // Only an answer to our own If-None-Match means "unchanged".
        let held = held.filter(|_| etag_sent.is_some()).ok_or_else(|| {
            Error::Network(format!(
                "{MANIFEST_FILE}: HTTP 304 to a request that was not conditional"
            ))
        })?;
        not_expired(held.expires_at, now)?;
        let state = FeedState {
            synced_at: Some(now),
            ..held.clone()
        };
        return Ok(Fetched {
            from,
            state,
            data: None,
            bytes: 0,
            files: 0,
            limits,
            deferred: None,
        });
    }
    if !resp.status().is_success() {
        return Err(Error::Network(format!(
            "{MANIFEST_FILE}: HTTP {}",
            resp.status()
        )));
    }
    let etag = resp
        .headers()
        .get(reqwest::header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = manifest_body(resp).await?;
    let mut bytes = body.len() as u64;
    let m = feed::verify(&body, &cfg.keys)?;
    not_expired(Some(m.expires_at()), now)?;
    let state = FeedState {
        version: m.version,
        key_id: Some(m.key_id.clone()),
        etag,
        synced_at: Some(now),
        scope: Some(scope),
        published_at: Some(m.created),
        etag_url: Some(base.to_string()),
        expires_at: Some(m.expires_at()),
    };
    let plan = feed::plan(&m, have);
    if !matches!(plan, Plan::UpToDate) {
        // Before downloading anything; checked again when it is applied.
        apply::must_go_forward(have, m.version)?;
    }
    let files: Vec<&FileRef> = match &plan {
        Plan::UpToDate => vec![],
        Plan::Deltas(ds) => ds.iter().map(|d| &d.file).collect(),
        Plan::Snapshot(s) => vec![&s.file],
    };
    let file_count = files.len() as u64;
    let total = files
        .iter()
        .try_fold(0u64, |sum, f| sum.checked_add(f.size))
        .filter(|&t| t <= cfg.max_download)
        .ok_or_else(|| {
            Error::Feed(format!(
                "the feed asks to download more than the limit of {} bytes",
                cfg.max_download
            ))
        })?;
    if let Some(allowed) = cfg.max_bytes_now.filter(|&a| total > a) {
        tracing::info!(
            total,
            allowed,
            version = m.version,
            "the update is over this sync's allowance: it waits"
        );
        return Ok(Fetched {
            from,
            state,
            data: None,
            bytes,
            limits,
            // Nothing downloaded but the manifest.
            files: 0,
            deferred: Some(total),
        });
    }
    let mut done = 0;
    let data = match plan {
        Plan::UpToDate => None,
        Plan::Snapshot(s) => Some(Downloaded::Snapshot(
            download(&http, &base, &s.file, progress, &mut done, total).await?,
            s.entries,
        )),
        Plan::Deltas(ds) => {
            let mut out = Vec::with_capacity(ds.len());
            for d in &ds {
                out.push(download(&http, &base, &d.file, progress, &mut done, total).await?);
            }
            Some(Downloaded::Deltas(out))
        }
    };
    bytes += done;
    Ok(Fetched {
        from,
        state,
        data,
        bytes,
        files: file_count,
        limits,
        deferred: None,
    })
}

/// Calls the app's progress callback; a callback that throws (a panic on
/// this side) is logged and ignored: progress is never worth a failed sync.
pub(crate) fn report(progress: Progress<'_>, stage: SyncStage, done: u64, total: u64) {
    if let Some(p) = progress.sink
        && std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            p.on_progress(progress.feed.to_string(), stage, done, total)
        }))
        .is_err()
    {
        tracing::warn!("the progress callback failed");
    }
}

/// Parses pinned keys (64 hex characters each).
pub fn parse_keys(keys: &[String]) -> Result<Vec<VerifyingKey>> {
    keys.iter()
        .map(|k| feed::parse_public_key(k).map_err(Error::from))
        .collect()
}

#[cfg(test)]
mod tests;
