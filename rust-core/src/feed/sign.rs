//! The publisher's key and signature (feature `publisher`): a phone only
//! verifies (`super::verify`), so its library has no way to make a key or
//! sign a manifest.

use super::{FeedError, Manifest, Signed, key_id};
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};

const SECRET_PREFIX: &str = "canhgiac-ed25519-secret ";

pub fn secret_key_text(key: &SigningKey) -> String {
    format!("{SECRET_PREFIX}{}\n", hex::encode(key.to_bytes()))
}

pub fn parse_secret_key(text: &str) -> Result<SigningKey, FeedError> {
    let hex_part = text
        .trim()
        .strip_prefix(SECRET_PREFIX.trim_end())
        .ok_or_else(|| FeedError::Key("not a Cảnh Giác secret key file".into()))?;
    let bytes: [u8; 32] = hex::decode(hex_part.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| FeedError::Key("the secret key file is damaged".into()))?;
    Ok(SigningKey::from_bytes(&bytes))
}

pub fn generate_key() -> SigningKey {
    SigningKey::generate(&mut rand_core::OsRng)
}

/// The manifest file's bytes.
pub fn sign(manifest: &Manifest, key: &SigningKey) -> Vec<u8> {
    sign_text(
        serde_json::to_string(manifest).expect("a manifest serialises"),
        key,
    )
}

/// The manifest file for this exact manifest text.
pub(crate) fn sign_text(text: String, key: &SigningKey) -> Vec<u8> {
    let signature = key.sign(text.as_bytes());
    let signed = Signed {
        manifest: text,
        key_id: key_id(&key.verifying_key()),
        signature: base64::engine::general_purpose::STANDARD.encode(signature.to_bytes()),
    };
    let mut out = serde_json::to_vec_pretty(&signed).expect("serialises");
    out.push(b'\n');
    out
}
