//! The follow link: `canhgiac://follow?v=1&name=…&url=…&key=…`, which a
//! publisher shows as text and as a QR code so that people follow its list
//! without typing an address and a key. This module reads and writes the
//! link and names a key for people (its fingerprint); it follows nothing
//! itself (`CallGuard::follow_feed` does, after the person confirmed).
//!
//! Everything in a link is hostile until checked: its length is bounded
//! before it is read, and each part is held to the rules `feeds add` keeps
//! (`FORMAT.md`, *Follow links*). A link never carries the right to verify
//! organisation numbers: any parameter that would is ignored like every
//! unknown one, since that consent is only ever given on the phone.

use crate::feed::{key_id, parse_public_key};
use crate::store::check_feed_name;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// The most bytes a link may have: a QR code of version 40 at error
/// correction M holds 2,331 bytes, and no honest link comes near either.
pub const MAX_LINK_BYTES: usize = 2_048;
/// The most keys a link may pin: a publisher's key and its next one, with
/// room for a rotation in flight.
pub const MAX_LINK_KEYS: usize = 4;
/// The one format version this build reads and writes.
pub const LINK_VERSION: &str = "1";
const PREFIX: &str = "canhgiac://follow";

/// Percent-encoded: everything but RFC 3986's unreserved characters, so
/// that a link survives any scanner, browser or chat app unchanged.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A feed to follow, as a link carries it: checked, the name trimmed, the
/// keys lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FollowLink {
    /// The name shown in warnings, 1 to 40 characters.
    pub name: String,
    /// The feed folder's (or manifest's) https address.
    pub url: String,
    /// The pinned public keys, 64 hex characters each, 1 to 4.
    pub keys: Vec<String>,
}

/// Why a link was refused, by kind; each carries its reason in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum FollowLinkError {
    /// Not a `canhgiac://follow?…` link at all.
    #[error("{reason}")]
    NotAFollowLink { reason: String },
    /// Longer than `MAX_LINK_BYTES`: refused before it is read.
    #[error("{reason}")]
    TooLong { reason: String },
    /// A link format this build does not know (a newer app made it).
    #[error("{reason}")]
    UnknownVersion { reason: String },
    /// A parameter missing, given twice, or not percent-encoded UTF-8.
    #[error("{reason}")]
    Malformed { reason: String },
    /// The name breaks the rule of `feeds add`.
    #[error("{reason}")]
    BadName { reason: String },
    /// The address is plain http: a feed is only ever fetched over https.
    #[error("{reason}")]
    NotHttps { reason: String },
    /// The address is not a usable https address.
    #[error("{reason}")]
    BadAddress { reason: String },
    /// A key is not 64 hex characters, or not a key worth pinning.
    #[error("{reason}")]
    BadKey { reason: String },
    /// No key, more than `MAX_LINK_KEYS`, or the same key twice.
    #[error("{reason}")]
    KeyCount { reason: String },
    /// A bug: the core caught a panic while reading the link.
    #[error("internal error: {reason}")]
    Internal { reason: String },
}

type Result<T> = std::result::Result<T, FollowLinkError>;

fn malformed(reason: impl Into<String>) -> FollowLinkError {
    FollowLinkError::Malformed {
        reason: reason.into(),
    }
}

impl FollowLink {
    /// A link's content, checked as a link read back would be (so that
    /// `to_link` always writes a link `parse_follow_link` accepts).
    pub fn new(name: &str, url: &str, keys: &[String]) -> Result<FollowLink> {
        let link = FollowLink {
            name: check_name(name)?,
            url: check_address(url)?,
            keys: check_keys(keys)?,
        };
        check_length(&link.to_link())?;
        Ok(link)
    }

    /// The link itself: `canhgiac://follow?v=1&name=…&url=…&key=…`.
    pub fn to_link(&self) -> String {
        let mut link = format!(
            "{PREFIX}?v={LINK_VERSION}&name={}&url={}",
            utf8_percent_encode(&self.name, COMPONENT),
            utf8_percent_encode(&self.url, COMPONENT)
        );
        for key in &self.keys {
            link.push_str("&key=");
            link.push_str(key);
        }
        link
    }

    /// Whether `url` is this link's address: the folder and its
    /// manifest are one feed, with or without the last slash.
    pub fn same_address(&self, url: &str) -> bool {
        fn folder(u: &str) -> &str {
            let u = u.trim();
            u.strip_suffix(crate::feed::MANIFEST_FILE)
                .unwrap_or(u)
                .trim_end_matches('/')
        }
        folder(&self.url) == folder(url)
    }

    /// Each key's fingerprint, for people to compare (`key_fingerprint`);
    /// empty for a key that is none, which only a record built by hand
    /// (never `new` or `parse_follow_link`) can hold.
    pub fn fingerprints(&self) -> Vec<String> {
        self.keys
            .iter()
            .map(|k| key_fingerprint(k).unwrap_or_default())
            .collect()
    }
}

/// A key named for people, short enough to read aloud and compare with
/// what the publisher shows: its key id (the first 8 bytes of its SHA-256,
/// as manifests name it) in 4 groups of 4 hex, "3f2a 9c01 77be 0d45".
pub fn key_fingerprint(key: &str) -> Result<String> {
    let key = parse_public_key(key).map_err(|e| FollowLinkError::BadKey {
        reason: e.to_string(),
    })?;
    let id = key_id(&key);
    Ok(id
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" "))
}

/// Reads a follow link. Refused, with its reason: anything over
/// `MAX_LINK_BYTES`, another scheme or host, a missing or unknown `v`, a
/// missing or repeated `name` or `url`, a name `feeds add` would refuse,
/// an address that is not https, no key, more than `MAX_LINK_KEYS`, a key
/// twice, a key that is not 64 hex characters. Unknown parameters are
/// ignored, so that a later version may add some; a parameter that claims
/// the right to verify organisation numbers is one of them.
pub fn parse_follow_link(text: &str) -> Result<FollowLink> {
    check_length(text)?;
    let text = text.trim();
    let query = query_of(text)?;
    let mut version = None;
    let mut name = None;
    let mut url = None;
    let mut keys = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (field, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match field {
            "v" => &mut version,
            "name" => &mut name,
            "url" => &mut url,
            "key" => {
                // Checked one by one below; bounded here so that a link of
                // 2,000 `&key=` costs nothing.
                if keys.len() == MAX_LINK_KEYS {
                    return Err(too_many_keys());
                }
                keys.push(decode(field, value)?);
                continue;
            }
            other => {
                tracing::debug!(parameter = %other.chars().take(20).collect::<String>(), "an unknown parameter of a follow link is ignored");
                continue;
            }
        };
        if slot.is_some() {
            return Err(malformed(format!(
                "the link gives `{field}` twice; a link names one feed"
            )));
        }
        *slot = Some(decode(field, value)?);
    }
    match version.as_deref() {
        Some(LINK_VERSION) => {}
        None => return Err(malformed("the link has no version (`v=1`)")),
        Some(v) => {
            return Err(FollowLinkError::UnknownVersion {
                reason: format!(
                    "this link is of version {}, which this app does not know: update the app",
                    v.chars().take(8).collect::<String>()
                ),
            });
        }
    }
    let name = name.ok_or_else(|| malformed("the link names no feed (`name=`)"))?;
    let url = url.ok_or_else(|| malformed("the link gives no address (`url=`)"))?;
    Ok(FollowLink {
        name: check_name(&name)?,
        url: check_address(&url)?,
        keys: check_keys(&keys)?,
    })
}

fn check_length(text: &str) -> Result<()> {
    if text.len() > MAX_LINK_BYTES {
        return Err(FollowLinkError::TooLong {
            reason: format!(
                "the link has {} bytes; a follow link has at most {MAX_LINK_BYTES}",
                text.len()
            ),
        });
    }
    Ok(())
}

/// The query of a `canhgiac://follow?…` link (scheme and host in any case,
/// as RFC 3986 allows; a fragment is dropped).
fn query_of(text: &str) -> Result<&str> {
    let not_a_link = || FollowLinkError::NotAFollowLink {
        reason: "this is not a Cảnh Giác follow link (canhgiac://follow?…)".into(),
    };
    let head = text.get(..PREFIX.len()).ok_or_else(not_a_link)?;
    if !head.eq_ignore_ascii_case(PREFIX) {
        return Err(not_a_link());
    }
    let rest = &text[PREFIX.len()..];
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let rest = rest.split('#').next().unwrap_or_default();
    rest.strip_prefix('?').ok_or_else(not_a_link)
}

/// A parameter's value: `+` is a space (as a browser writes a form), then
/// percent-decoded, and it must be UTF-8.
fn decode(field: &str, value: &str) -> Result<String> {
    let value = value.replace('+', " ");
    if !valid_escapes(&value) {
        return Err(malformed(format!(
            "`{field}` has a % not followed by two hex digits"
        )));
    }
    percent_decode_str(&value)
        .decode_utf8()
        .map(|v| v.into_owned())
        .map_err(|_| malformed(format!("`{field}` is not UTF-8 text")))
}

/// Every `%` starts a two-hex-digit escape (the decoder would keep a bad
/// one as it is, and the feed would carry a name nobody wrote).
fn valid_escapes(value: &str) -> bool {
    let b = value.as_bytes();
    (0..b.len()).filter(|&i| b[i] == b'%').all(|i| {
        b.get(i + 1..i + 3)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    })
}

/// The rule of `feeds add`.
fn check_name(name: &str) -> Result<String> {
    check_feed_name(name)
        .map(str::to_string)
        .map_err(|e| FollowLinkError::BadName {
            reason: e.to_string(),
        })
}

/// An https address with a host, without a user name or password, and
/// nothing a sync would not fetch. `http://` is refused here with no way
/// around it: a link offers no `--allow-http`.
fn check_address(url: &str) -> Result<String> {
    let url = url.trim();
    let bad = |reason: &str| FollowLinkError::BadAddress {
        reason: reason.into(),
    };
    let parsed =
        reqwest::Url::parse(url).map_err(|_| bad("the feed address is not a web address"))?;
    match parsed.scheme() {
        "https" => {}
        "http" => {
            return Err(FollowLinkError::NotHttps {
                reason: "the link's address is plain http: a feed must be fetched over https"
                    .into(),
            });
        }
        _ => return Err(bad("the feed address must start with https://")),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("the feed address names no server"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad(
            "the feed address holds a user name or password; a public feed needs none",
        ));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("the feed address holds spaces or control characters"));
    }
    Ok(url.to_string())
}

fn too_many_keys() -> FollowLinkError {
    FollowLinkError::KeyCount {
        reason: format!("the link pins more than {MAX_LINK_KEYS} keys"),
    }
}

/// 1 to `MAX_LINK_KEYS` keys, each 64 hex characters and a key worth
/// pinning, none twice; lower case.
fn check_keys(keys: &[String]) -> Result<Vec<String>> {
    if keys.is_empty() {
        return Err(FollowLinkError::KeyCount {
            reason:
                "the link pins no key (`key=`): a feed is only followed with its publisher's key"
                    .into(),
        });
    }
    if keys.len() > MAX_LINK_KEYS {
        return Err(too_many_keys());
    }
    let mut out: Vec<String> = Vec::with_capacity(keys.len());
    for key in keys {
        let key = key.trim();
        if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FollowLinkError::BadKey {
                reason: "a key in the link is not 64 hexadecimal characters".into(),
            });
        }
        parse_public_key(key).map_err(|e| FollowLinkError::BadKey {
            reason: e.to_string(),
        })?;
        let key = key.to_ascii_lowercase();
        if out.contains(&key) {
            return Err(FollowLinkError::KeyCount {
                reason: "the link pins the same key twice".into(),
            });
        }
        out.push(key);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
