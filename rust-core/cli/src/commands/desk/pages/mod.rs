//! One module a page; what they share: times, and numbers in addresses.

pub mod disputes;
pub mod follow;
pub mod held;
pub mod number;
pub mod overview;
pub mod rejected;

use canhgiac_core::publisher::desk::Key;

/// A Unix time as the operator reads it (Vietnam's time).
pub fn when(unix: i64) -> String {
    canhgiac_core::format_time(unix)
}

/// A number as an address names it: its E.164 digits (8 to 15 digits,
/// `84901000001`), or a short number's national digits (2 to 7).
pub fn key_of_digits(digits: &str) -> Option<Key> {
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !(2..=15).contains(&digits.len()) {
        return None;
    }
    if digits.len() >= 8 {
        digits.parse().ok().map(Key::Number)
    } else {
        Some(Key::Short(digits.to_string()))
    }
}

/// `0.83` as `83%`.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}
