//! Cảnh Giác core: normalise Vietnamese phone numbers, keep the reported
//! list and the user's own lists in SQLite, classify incoming calls with
//! reasons a person understands, and build the `LD <number> <content>`
//! report to the 156 hotline. Exported to Kotlin through uniffi.
//!
//! One concern per module: `number`, `store`, `import`, `classify`,
//! `report`; `api` is the exported facade (`CallGuard`).

uniffi::setup_scaffolding!();

pub mod api;
pub mod classify;
pub mod dates;
pub mod error;
pub mod feed;
pub mod import;
pub mod model;
pub mod number;
pub mod report;
pub mod store;
pub mod sync;
pub mod text;

pub use api::{CallGuard, GuardConfig};
pub use classify::{CallFacts, Policy, Verdict, Verification};
pub use error::{CanhGiacError, Error};
pub use model::{Action, Category, Level};
pub use number::{NumberKind, PhoneNumber, normalize};
pub use report::{Report, ReportKind, ReportRequest, ReportTarget};
