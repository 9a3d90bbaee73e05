//! The vocabulary shared by the store, the classifier and the API.

/// An exported enum whose variants have stable string codes (files, JSON,
/// the database): one definition gives `as_str`, `parse`, `Display` and
/// serde in those same codes.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, uniffi::Enum)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $var),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The stable code used in files, JSON and the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$var),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// What a list says a number is: reported for scams or nuisance, or
    /// (from a feed the user allowed to verify, format 2 only) an
    /// organisation's own verified number, the label naming it; or
    /// (format 2 only) `suspicious`: many people reported it within
    /// minutes and nobody before, which is how a real campaign starts and
    /// also how a few SIM cards would brand a number, so a phone warns at
    /// once but never says "scam" on that evidence alone.
    Category { Scam = "scam", Nuisance = "nuisance", Verified = "verified", Suspicious = "suspicious" }
}

string_enum! {
    /// How dangerous a call looks, least to most.
    Level {
        Safe = "safe",
        Unknown = "unknown",
        Suspicious = "suspicious",
        Nuisance = "nuisance",
        Scam = "scam",
        Blocked = "blocked",
    }
}

string_enum! {
    /// What the phone does with the call.
    Action {
        Allow = "allow",
        /// Let it ring and show the warning.
        Warn = "warn",
        /// Let it through without ringing.
        Silence = "silence",
        Block = "block",
    }
}

/// What the list says about a reported number or prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    pub category: Category,
    pub reports: u32,
    /// Days since 1970-01-01.
    pub last_reported: Option<i32>,
    pub label: Option<String>,
    /// Distinct people who reported it, where the list counts them (feed
    /// format 2); `None` where a list gives only its report count.
    pub reporters: Option<u32>,
    /// The authority whose notice listed it; `None`: community reports.
    pub source: Option<Source>,
}

/// An official source of a listed number: the authority's name and the
/// address of its notice, so that a person can read it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Source {
    pub name: String,
    pub url: Option<String>,
}

/// What one list row is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// E.164 digits as an integer.
    Number(i64),
    /// E.164 digits that every matching number starts with.
    Prefix(String),
}
