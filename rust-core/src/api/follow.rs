//! Following a feed from a follow link (`crate::follow`): reading the link
//! for the app, and following it once the person confirmed. A link never
//! replaces a feed already followed (its keys stay as they are) and never
//! allows verifying organisation numbers from the app: that consent has
//! its own dialog.

use super::{CallGuard, FeedStatus, panicked};
use crate::error::{CanhGiacError, Error, Result};
use crate::follow::{self, FollowLink, FollowLinkError};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`, turning a panic into `FollowLinkError::Internal`.
fn guard_link<T>(f: impl FnOnce() -> Result<T, FollowLinkError>) -> Result<T, FollowLinkError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        Err(FollowLinkError::Internal {
            reason: panicked(panic).to_string(),
        })
    })
}

/// Reads a `canhgiac://follow?…` link: the feed's name, address and keys,
/// or why the link is refused (its kind, and its reason in words).
#[uniffi::export(name = "parse_follow_link")]
pub fn parse_follow_link_exported(text: String) -> Result<FollowLink, FollowLinkError> {
    guard_link(|| follow::parse_follow_link(&text))
}

/// A public key's fingerprint for people: "3f2a 9c01 77be 0d45".
#[uniffi::export(name = "key_fingerprint")]
pub fn key_fingerprint_exported(key: String) -> Result<String, FollowLinkError> {
    guard_link(|| follow::key_fingerprint(&key))
}

impl CallGuard {
    /// The followed feed a link names again, by its name or its address.
    pub fn followed_as_inner(&self, link: &FollowLink) -> Result<Option<FeedStatus>> {
        let name = link.name.trim();
        Ok(self
            .feeds_inner()?
            .into_iter()
            .find(|f| f.name == name || f.url.as_deref().is_some_and(|u| link.same_address(u))))
    }

    /// Follows a link's feed. The link is checked again (a caller may have
    /// built the record itself), and one that names a feed already
    /// followed is refused: following it would silently change that
    /// feed's keys. `verify_orgs` only from the CLI's explicit flag.
    pub fn follow_inner(&self, link: &FollowLink, verify_orgs: bool) -> Result<FeedStatus> {
        let link = FollowLink::new(&link.name, &link.url, &link.keys)
            .map_err(|e| Error::invalid(e.to_string()))?;
        if let Some(f) = self.followed_as_inner(&link)? {
            return Err(Error::invalid(format!(
                "you already follow {} at {}; its keys stay as they are (stop following it first to take the link's)",
                f.name,
                f.url.as_deref().unwrap_or("")
            )));
        }
        self.add_feed_inner(&link.name, &link.url, &link.keys, false, verify_orgs)
    }
}

#[uniffi::export]
impl CallGuard {
    /// The followed feed with the link's name or address, if any: the app
    /// says so instead of offering to follow.
    pub fn followed_as(&self, link: FollowLink) -> Result<Option<FeedStatus>, CanhGiacError> {
        super::guard(|| self.followed_as_inner(&link))
    }

    /// Follows the feed of a link the person confirmed, https only, never
    /// allowed to verify organisation numbers (that is asked on its own,
    /// in Settings). Refused when its name or address is followed already.
    pub fn follow_link(&self, link: FollowLink) -> Result<FeedStatus, CanhGiacError> {
        super::guard(|| self.follow_inner(&link, false))
    }
}

#[cfg(test)]
mod tests;
