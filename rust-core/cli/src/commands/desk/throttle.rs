//! Guessing a password is slowed per name: after [`MAX_FAILURES`] wrong
//! sign-ins for one name within [`WINDOW`], that name's sign-ins are refused
//! (429 and `Retry-After`) until the oldest failure leaves the window, and
//! no password is verified meanwhile, so the guesses cost the guesser time
//! and the desk no argon2 work. A right password clears the name's count.
//! The names are the ones typed, unknown ones too (a lockout must not tell
//! which names exist); the table is bounded, so a spray of made-up names
//! cannot grow it without end.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wrong sign-ins for one name within [`WINDOW`] before it waits.
pub const MAX_FAILURES: usize = 5;
/// How long a wrong sign-in counts (15 minutes).
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Most names counted at once; past it, names whose failures all left the
/// window are forgotten, and if none did, the oldest name is.
const MAX_NAMES: usize = 10_000;

#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// The table's key: a name as typed, trimmed and lower-cased, bounded.
fn key(name: &str) -> String {
    name.trim()
        .chars()
        .take(100)
        .flat_map(char::to_lowercase)
        .collect()
}

impl Throttle {
    /// Whole seconds before `name` may try again, when it must wait.
    pub fn wait(&self, name: &str, now: Instant) -> Option<u64> {
        let mut map = self.failures.lock().ok()?;
        let times = map.get_mut(&key(name))?;
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            times.pop_front();
        }
        if times.len() < MAX_FAILURES {
            return None;
        }
        let oldest = *times.front()?;
        let left = WINDOW.saturating_sub(now.duration_since(oldest));
        Some(left.as_secs().max(1))
    }

    /// A wrong name or password for `name`.
    pub fn failed(&self, name: &str, now: Instant) {
        let Ok(mut map) = self.failures.lock() else {
            return;
        };
        if map.len() >= MAX_NAMES && !map.contains_key(&key(name)) {
            map.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < WINDOW)
            });
            if map.len() >= MAX_NAMES {
                let oldest = map
                    .iter()
                    .min_by_key(|(_, times)| times.back().copied())
                    .map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    map.remove(&k);
                }
            }
        }
        let times = map.entry(key(name)).or_default();
        times.push_back(now);
        // Only the last MAX_FAILURES matter to `wait`.
        while times.len() > MAX_FAILURES {
            times.pop_front();
        }
    }

    /// A right password: the name starts again from nothing.
    pub fn succeeded(&self, name: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&key(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_waits_after_five_failures_until_the_oldest_leaves_the_window() {
        let t = Throttle::default();
        let start = Instant::now();
        for i in 0..MAX_FAILURES {
            assert_eq!(t.wait("Lan", start), None, "failure {i}");
            t.failed("Lan", start + Duration::from_secs(i as u64));
        }
        // Counted by the name as typed, whatever its case and spaces.
        let now = start + Duration::from_secs(10);
        assert_eq!(t.wait(" lan ", now), Some(WINDOW.as_secs() - 10));
        assert_eq!(t.wait("Mai", now), None);
        // The oldest failure leaves the window: one more try.
        assert_eq!(t.wait("Lan", start + WINDOW), None);
        // A right password clears the count.
        t.succeeded("LAN");
        assert_eq!(t.wait("Lan", now), None);
    }

    #[test]
    fn the_table_stays_bounded_under_a_spray_of_names() {
        let t = Throttle::default();
        let now = Instant::now();
        for i in 0..MAX_NAMES + 50 {
            t.failed(&format!("name{i}"), now);
        }
        assert!(t.failures.lock().unwrap().len() <= MAX_NAMES);
    }
}
