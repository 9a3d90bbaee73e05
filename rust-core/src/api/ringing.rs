//! The ringing path: the call-screening service's one call while the phone
//! rings, with the same decision as `screen` but nothing that needs a buffer.
//!
//! Through uniffi's Kotlin bindings every `RustBuffer` (a string, a record,
//! an option) is a JNA `Structure` passed by value, and JNA builds each one
//! by reflection with native memory registered for cleaning: about 30 KB of
//! Java heap per `screen`, and the collector's pauses with it (README, "The
//! app's path"). Here the number, the call's facts and the verdict each
//! cross as one integer, and the guard as a token (below), so that no
//! `Structure` is made at all. Kotlin packs and unpacks them in `Ringing.kt`
//! (`CallGuard.ring`), which is the API the app uses; the texts come
//! afterwards from `screen`.
//!
//! Why a token: uniffi calls a method with a fresh clone of the object's
//! handle, and that clone is one more call with its own status `Structure`
//! (about 9 µs of a 15 µs ring on JNA 5.13, README). A token names a guard
//! through a weak reference kept here, so that `ring_packed` is a plain
//! function; the guard still closes when Kotlin closes it.

use std::sync::{Arc, RwLock, Weak};

use super::{CallGuard, guard};
use crate::classify::{CallFacts, ReasonCode, Verdict, Verification};
use crate::error::{CanhGiacError, Error, Result};
use crate::model::{Action, Level};

/// Digits after the leading zeros: E.164's 15 at most, which fit in 50 bits.
const DIGIT_BITS: u32 = 50;
const MAX_DIGITS: u32 = 15;
/// Leading zeros (`0912…` has one, `0084…` two), in 5 bits.
const ZEROS_SHIFT: u32 = DIGIT_BITS;
const ZEROS_MASK: i64 = 0x1f;
const PLUS_BIT: i64 = 1 << 55;
/// Set for every packed number, so that 0 means "no number" (hidden).
const PRESENT_BIT: i64 = 1 << 56;

/// The written number a packed caller stands for (`+84912345678`,
/// `0912345678`), or `None` for 0 (no number).
fn unpack_caller(caller: i64) -> Result<Option<String>> {
    if caller == 0 {
        return Ok(None);
    }
    let digits = caller & ((1 << DIGIT_BITS) - 1);
    let zeros = (caller >> ZEROS_SHIFT) & ZEROS_MASK;
    let known = PRESENT_BIT | PLUS_BIT | (ZEROS_MASK << ZEROS_SHIFT) | ((1 << DIGIT_BITS) - 1);
    if caller & PRESENT_BIT == 0
        || caller & !known != 0
        || digits == 0
        || digits.ilog10() >= MAX_DIGITS
    {
        return Err(Error::invalid(
            "the packed caller number is malformed: pack it with CallGuard.ring",
        ));
    }
    let plus = if caller & PLUS_BIT != 0 { "+" } else { "" };
    Ok(Some(format!(
        "{plus}{}{digits}",
        "0".repeat(zeros as usize)
    )))
}

/// The call's facts in one integer: bit 0 in the contacts, bit 1 hidden,
/// bits 2–3 the verification (0 not verified, 1 passed, 2 failed).
fn unpack_facts(facts: u32) -> Result<CallFacts> {
    let verification = match (facts >> 2) & 0b11 {
        0 => Verification::NotVerified,
        1 => Verification::Passed,
        2 => Verification::Failed,
        _ => return Err(Error::invalid("the packed call facts are malformed")),
    };
    if facts >> 4 != 0 {
        return Err(Error::invalid("the packed call facts are malformed"));
    }
    Ok(CallFacts {
        in_contacts: facts & 1 != 0,
        hidden: facts & 2 != 0,
        verification,
    })
}

/// `screen` for a ringing phone, in integers: the guard's token
/// (`ringing_token`), `caller` and `facts` packed, the verdict packed, or
/// `RING_CLOSED`. Call it through `CallGuard.ring` in Kotlin, which packs
/// and unpacks.
#[uniffi::export]
pub fn ring_packed(token: u64, caller: i64, facts: u32) -> Result<i64, CanhGiacError> {
    guard(|| {
        let guard = {
            let ringers = RINGERS.read().unwrap_or_else(|e| e.into_inner());
            let slot = usize::try_from(token & u64::from(u32::MAX)).unwrap_or(usize::MAX);
            match ringers.get(slot) {
                Some(r) if u64::from(r.generation) == token >> 32 => r.guard.upgrade(),
                Some(_) => None,
                None => return Err(Error::invalid("unknown ringing token")),
            }
        };
        let Some(guard) = guard else {
            return Ok(RING_CLOSED);
        };
        let number = unpack_caller(caller)?;
        let v = guard.screen_inner(number.as_deref(), &unpack_facts(facts)?)?;
        Ok(pack_verdict(&v))
    })
}

/// How many reason codes a packed verdict holds, most important first;
/// no verdict has come near it.
pub(crate) const RING_REASONS: usize = 11;
const REASON_BITS: u32 = 5;
const REASONS_SHIFT: u32 = 6;

/// The verdict in one integer: bits 0–2 the level and 3–4 the action (their
/// declaration order, which is Kotlin's `ordinal`), bit 5 whether the list
/// has the number, then 5 bits per reason code (its order plus one; 0 ends).
fn pack_verdict(v: &Verdict) -> i64 {
    let mut bits = index_of(Level::ALL, v.level) | index_of(Action::ALL, v.action) << 3;
    if v.report.is_some() {
        bits |= 1 << 5;
    }
    for (i, r) in v.reasons.iter().take(RING_REASONS).enumerate() {
        let code = index_of(ReasonCode::ALL, r.code) + 1;
        bits |= code << (REASONS_SHIFT + REASON_BITS * i as u32);
    }
    bits
}

/// Where `x` is in `all` (one of the `string_enum`s' `ALL`, which holds
/// every value).
fn index_of<T: PartialEq>(all: &[T], x: T) -> i64 {
    all.iter().position(|a| *a == x).unwrap_or(0) as i64
}

/// The guards that have a ringing token: slot `i` of the token
/// `generation << 32 | i`. A slot whose guard is gone is given to the next
/// guard with the next generation, so a closed guard's old token never
/// reaches another guard's list.
static RINGERS: RwLock<Vec<Ringer>> = RwLock::new(Vec::new());

/// Guards alive with a token at once: a phone has one; more is a leak.
const MAX_RINGERS: usize = 256;

/// `ring_packed`'s answer for a token whose guard was closed (a verdict
/// never has its sign bit set); Kotlin throws as for any closed object.
pub(crate) const RING_CLOSED: i64 = -1;

struct Ringer {
    generation: u32,
    guard: Weak<CallGuard>,
}

#[uniffi::export]
impl CallGuard {
    /// This guard's token for `ring_packed`; Kotlin's `CallGuard.ring`
    /// asks for it once per guard.
    pub fn ringing_token(self: Arc<Self>) -> Result<u64, CanhGiacError> {
        guard(|| {
            let mut ringers = RINGERS.write().unwrap_or_else(|e| e.into_inner());
            let weak = Arc::downgrade(&self);
            let token = |slot: usize, generation: u32| u64::from(generation) << 32 | slot as u64;
            if let Some((slot, r)) = ringers
                .iter_mut()
                .enumerate()
                .find(|(_, r)| r.guard.strong_count() == 0)
            {
                r.generation = r.generation.wrapping_add(1);
                r.guard = weak;
                return Ok(token(slot, r.generation));
            }
            if ringers.len() >= MAX_RINGERS {
                return Err(Error::invalid(
                    "too many open CallGuards have a ringing token: close the ones not in use",
                ));
            }
            ringers.push(Ringer {
                generation: 0,
                guard: weak,
            });
            Ok(token(ringers.len() - 1, 0))
        })
    }

    /// `ring_packed` for a number that does not pack (separators, letters,
    /// more than 15 digits): the number as written, the rest packed.
    pub fn ring_written(&self, number: String, facts: u32) -> Result<i64, CanhGiacError> {
        guard(|| {
            let v = self.screen_inner(Some(&number), &unpack_facts(facts)?)?;
            Ok(pack_verdict(&v))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(written: &str) -> i64 {
        let (plus, rest) = match written.strip_prefix('+') {
            Some(r) => (PLUS_BIT, r),
            None => (0, written),
        };
        let digits = rest.trim_start_matches('0');
        let zeros = (rest.len() - digits.len()) as i64;
        PRESENT_BIT | plus | zeros << ZEROS_SHIFT | digits.parse::<i64>().unwrap()
    }

    #[test]
    fn packed_callers_come_back_as_written() {
        for written in [
            "+84912345678",
            "0912345678",
            "84912345678",
            "0084912345678",
            "113",
            "+224621234567",
            "999999999999999",
        ] {
            assert_eq!(
                unpack_caller(pack(written)).unwrap().as_deref(),
                Some(written)
            );
        }
        assert_eq!(unpack_caller(0).unwrap(), None);
    }

    #[test]
    fn malformed_packed_callers_are_refused() {
        for bad in [
            PRESENT_BIT,                         // no digits
            PRESENT_BIT | 1_000_000_000_000_000, // 16 digits
            pack("0912345678") | 1 << 60,        // an unknown bit
            pack("0912345678") & !PRESENT_BIT,   // not marked as packed
            -1,
        ] {
            assert!(unpack_caller(bad).is_err(), "{bad:#x}");
        }
    }

    /// The tests that take tokens, one at a time: they share `RINGERS`, and
    /// the second asserts which slot a guard gets.
    static TOKENS: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn the_ringing_path_agrees_with_screen() {
        let _one = TOKENS.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().unwrap();
        let g = Arc::new(CallGuard::open(&dir.path().join("cg.db"), Default::default()).unwrap());
        let token = g.clone().ringing_token().unwrap();
        let csv = "number,category,reports,last_reported,label\n\
                   0912345678,scam,40,2099-01-01,Giả danh công an\n\
                   0987000001,nuisance,2,2000-01-01,\n";
        g.import_from(csv.as_bytes()).unwrap();
        g.set_list("0900000099", Some(crate::store::UserList::Block))
            .unwrap();
        let decode = |bits: i64| {
            let level = Level::ALL[(bits & 0b111) as usize];
            let action = Action::ALL[(bits >> 3 & 0b11) as usize];
            let codes: Vec<_> = (0..RING_REASONS)
                .map(|i| bits >> (REASONS_SHIFT + REASON_BITS * i as u32) & 0x1f)
                .take_while(|c| *c != 0)
                .map(|c| ReasonCode::ALL[c as usize - 1])
                .collect();
            (level, action, bits & 1 << 5 != 0, codes)
        };
        let numbers = [
            "0912345678",
            "+84912345678",
            "0084912345678",
            "0987000001",
            "0900000099",
            "0911111111",
            "113",
            "156",
            "+224621234567",
            "+15551234567",
            "1900123456",
        ];
        for facts in [0, 0b1000, 0b0100, 0b0001, 0b0010] {
            for n in numbers {
                let f = unpack_facts(facts).unwrap();
                let v = g.screen_inner(Some(n), &f).unwrap();
                let want = (
                    v.level,
                    v.action,
                    v.report.is_some(),
                    v.reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
                );
                assert_eq!(
                    decode(ring_packed(token, pack(n), facts).unwrap()),
                    want,
                    "{n} {facts:#b}"
                );
                assert_eq!(
                    decode(g.ring_written(n.into(), facts).unwrap()),
                    want,
                    "{n} {facts:#b}"
                );
            }
            let hidden = g.screen_inner(None, &unpack_facts(facts).unwrap()).unwrap();
            assert_eq!(ring_packed(token, 0, facts).unwrap(), pack_verdict(&hidden));
        }
        assert!(g.ring_written("not a number ☎".into(), 0).is_err());
    }

    #[test]
    fn a_token_answers_for_its_own_guard_until_it_closes() {
        let _one = TOKENS.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().unwrap();
        let open = |name: &str, listed: &str| {
            let g = Arc::new(CallGuard::open(&dir.path().join(name), Default::default()).unwrap());
            let today = crate::dates::format_day(crate::dates::today());
            let csv =
                format!("number,category,reports,last_reported,label\n{listed},scam,40,{today},\n");
            g.import_from(csv.as_bytes()).unwrap();
            let token = g.clone().ringing_token().unwrap();
            (g, token)
        };
        let listed = |token, n| ring_packed(token, pack(n), 0).unwrap() & 1 << 5 != 0;
        let (a, token_a) = open("a.db", "0912345678");
        let (b, token_b) = open("b.db", "0987654321");
        assert_ne!(token_a, token_b);
        assert!(listed(token_a, "0912345678") && !listed(token_a, "0987654321"));
        assert!(listed(token_b, "0987654321") && !listed(token_b, "0912345678"));
        // Closed (the last strong reference gone): the token says so, and
        // the slot's next guard does not answer for the old token.
        drop(a);
        assert_eq!(
            ring_packed(token_a, pack("0912345678"), 0).unwrap(),
            RING_CLOSED
        );
        let (c, token_c) = open("c.db", "0911111111");
        assert_eq!(
            token_c & 0xffff_ffff,
            token_a & 0xffff_ffff,
            "the slot is reused"
        );
        assert_eq!(
            ring_packed(token_a, pack("0911111111"), 0).unwrap(),
            RING_CLOSED
        );
        assert!(listed(token_c, "0911111111"));
        assert!(ring_packed(u64::from(u32::MAX), pack("0911111111"), 0).is_err());
        drop((b, c));
    }

    #[test]
    fn facts_unpack_bit_by_bit() {
        assert_eq!(unpack_facts(0).unwrap(), CallFacts::default());
        let f = unpack_facts(0b1011).unwrap();
        assert!(f.in_contacts && f.hidden);
        assert_eq!(f.verification, Verification::Failed);
        assert_eq!(
            unpack_facts(0b0100).unwrap().verification,
            Verification::Passed
        );
        assert!(unpack_facts(0b1100).is_err());
        assert!(unpack_facts(1 << 4).is_err());
    }
}
