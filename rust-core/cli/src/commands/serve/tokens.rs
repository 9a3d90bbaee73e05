//! The gateways' bearer tokens: read from the token file (`NAME TOKEN` a
//! line), kept only as SHA-256 digests, and a presented token matched
//! against every one of them in constant time, so that neither a wrong
//! token's timing nor which line it nearly matched gives anything away.
//! A token is never logged or printed: a gateway is known by its name.

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// Largest token file read: a few dozen gateways' lines.
const MAX_FILE_BYTES: u64 = 64 * 1024;
/// Most gateways a file may name.
pub const MAX_GATEWAYS: usize = 100;
/// Shortest token: 32 characters, 128 bits when written in hex (`openssl
/// rand -hex 32` writes 64).
pub const MIN_TOKEN_CHARS: usize = 32;
/// Longest token read, in the file and in a request.
pub const MAX_TOKEN_CHARS: usize = 256;
/// Longest gateway name (it goes into every message row and the metrics).
const MAX_NAME_CHARS: usize = 64;

/// The gateways a server accepts.
pub struct Tokens {
    gateways: Vec<(Arc<str>, [u8; 32])>,
}

impl Tokens {
    /// Reads the token file. A file that others can read, a line that is
    /// not `NAME TOKEN`, a token shorter than 128 bits, a name or a token
    /// given twice: refused, saying which line (never what it holds).
    pub fn read(path: &Path) -> Result<Tokens> {
        let file = std::fs::File::open(path)
            .with_context(|| format!("--token-file {}: cannot read it", path.display()))?;
        let meta = file.metadata()?;
        refuse_shared(path, &meta)?;
        if meta.len() > MAX_FILE_BYTES {
            bail!(
                "--token-file {}: larger than {} KiB, which no list of gateways is",
                path.display(),
                MAX_FILE_BYTES / 1024
            );
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("--token-file {}: not UTF-8 text", path.display()))?;
        Tokens::parse(&text).with_context(|| format!("--token-file {}", path.display()))
    }

    fn parse(text: &str) -> Result<Tokens> {
        let mut gateways: Vec<(Arc<str>, [u8; 32])> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = || format!("line {}", i + 1);
            let mut words = line.split_whitespace();
            let (Some(name), Some(token), None) = (words.next(), words.next(), words.next()) else {
                bail!("{}: expected `NAME TOKEN` (two words)", at());
            };
            let name_ok = name.len() <= MAX_NAME_CHARS
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if !name_ok {
                bail!(
                    "{}: a gateway's name is 1 to {MAX_NAME_CHARS} letters, digits, '-', '_' or '.'",
                    at()
                );
            }
            let token_ok = (MIN_TOKEN_CHARS..=MAX_TOKEN_CHARS).contains(&token.len())
                && token.bytes().all(|b| b.is_ascii_graphic());
            if !token_ok {
                bail!(
                    "{}: a token is {MIN_TOKEN_CHARS} to {MAX_TOKEN_CHARS} printable characters (at least 128 bits: `openssl rand -hex 32` makes one)",
                    at()
                );
            }
            let digest = digest(token);
            if gateways.iter().any(|(n, _)| &**n == name) {
                bail!("{}: the gateway {name} is named twice", at());
            }
            if gateways.iter().any(|(_, d)| d == &digest) {
                bail!(
                    "{}: this token is another gateway's too: give each its own",
                    at()
                );
            }
            if gateways.len() == MAX_GATEWAYS {
                bail!("{}: more than {MAX_GATEWAYS} gateways", at());
            }
            gateways.push((name.into(), digest));
        }
        if gateways.is_empty() {
            bail!("no gateway is named: write one `NAME TOKEN` line per gateway");
        }
        Ok(Tokens { gateways })
    }

    pub fn len(&self) -> usize {
        self.gateways.len()
    }

    /// The name of the gateway whose token this is. Every digest is
    /// compared, whichever matches.
    pub fn gateway(&self, presented: &str) -> Option<Arc<str>> {
        if presented.len() > MAX_TOKEN_CHARS {
            return None;
        }
        let digest = digest(presented);
        let mut found = None;
        for (name, d) in &self.gateways {
            if bool::from(d.ct_eq(&digest)) {
                found = Some(name.clone());
            }
        }
        found
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A token file that the group or others may read is refused: its tokens
/// let anyone who reads it add reports.
#[cfg(unix)]
fn refuse_shared(path: &Path, meta: &std::fs::Metadata) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if meta.permissions().mode() & 0o077 != 0 {
        bail!(
            "--token-file {}: others may read it (mode {:o}); make it its owner's only: chmod 600 {}",
            path.display(),
            meta.permissions().mode() & 0o777,
            path.display()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_shared(_: &Path, _: &std::fs::Metadata) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0123456789abcdef0123456789abcdef";
    const B: &str = "fedcba9876543210fedcba9876543210";

    #[test]
    fn each_token_names_its_gateway_and_no_other() {
        let t = Tokens::parse(&format!("# gateways\nsms-1 {A}\n\nsms-2  {B}\n")).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.gateway(A).as_deref(), Some("sms-1"));
        assert_eq!(t.gateway(B).as_deref(), Some("sms-2"));
        assert_eq!(t.gateway(&A[1..]), None);
        assert_eq!(t.gateway(""), None);
        assert_eq!(t.gateway(&"x".repeat(10_000)), None);
    }

    #[test]
    fn bad_lines_are_refused_by_line_without_their_text() {
        for (text, says) in [
            ("", "no gateway"),
            ("sms-1\n", "line 1: expected `NAME TOKEN`"),
            (&format!("sms-1 {A} extra\n") as &str, "line 1: expected"),
            ("sms-1 short\n", "line 1: a token is 32"),
            (&format!("sms 1 {A}\n"), "line 1: expected"),
            (&format!("sms/1 {A}\n"), "line 1: a gateway's name"),
            (
                &format!("a {A}\na {B}\n"),
                "line 2: the gateway a is named twice",
            ),
            (
                &format!("a {A}\nb {A}\n"),
                "line 2: this token is another gateway's",
            ),
        ] {
            let err = Tokens::parse(text).err().unwrap().to_string();
            assert!(err.contains(says), "{text:?}: {err}");
            assert!(!err.contains(A), "{err}");
        }
    }
}
