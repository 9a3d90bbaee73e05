//! Synthetic data shared by the benchmarks: deterministic, so every run
//! measures the same list.

// Each benchmark uses a part of this module.
#![allow(dead_code)]

/// splitmix64.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Mobile prefixes in use today (national significant number, 2 digits).
const PREFIXES: [u64; 27] = [
    32, 33, 34, 35, 36, 37, 38, 39, 52, 56, 58, 59, 70, 76, 77, 78, 79, 81, 82, 83, 84, 85, 86, 88,
    89, 90, 91,
];

/// A random number (E.164 digits) that libphonenumber accepts as a
/// Vietnamese mobile; unassigned blocks, such as 0520…, are drawn again.
pub fn random_mobile(rng: &mut Rng) -> i64 {
    loop {
        let prefix = PREFIXES[rng.below(PREFIXES.len() as u64) as usize];
        let key = 84_000_000_000 + prefix * 10_000_000 + rng.below(10_000_000);
        let n = canhgiac_core::normalize(&format!("+{key}")).expect("digits");
        if n.valid && n.kind == canhgiac_core::NumberKind::Mobile {
            return key as i64;
        }
    }
}
