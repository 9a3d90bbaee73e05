//! The publisher's side of the hotline: what people send to 156 or 5656
//! (`LD <number> <content>`, `V …`, `S <sender> …`), read back into the
//! reported number, the category and the content.

mod parse;

pub use parse::{Keyword, ParsedSms, RefusedSms, Sender, SmsCategory, parse_body};
