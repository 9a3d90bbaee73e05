//! Calendar days. Vietnam keeps UTC+7 all year (no daylight saving), so
//! "today" and "2 days ago" are counted on Vietnamese calendar days.

use time::{Date, Duration, OffsetDateTime, UtcOffset, macros::format_description};

const VN_OFFSET_SECONDS: i32 = 7 * 3600;

fn epoch() -> Date {
    Date::from_ordinal_date(1970, 1).expect("1970-01-01 is a date")
}

/// 2000-01-01 (days since 1970-01-01): the oldest date a list may carry;
/// anything older is a typo or a forgery.
pub const MIN_DAY: i32 = 10_957;

/// Today in Vietnam, as days since 1970-01-01.
pub fn today() -> i32 {
    day_of(now_unix())
}

pub fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// The Vietnamese calendar day of a Unix time.
pub fn day_of(unix: i64) -> i32 {
    i32::try_from((unix + i64::from(VN_OFFSET_SECONDS)).div_euclid(86_400)).unwrap_or(i32::MAX)
}

/// `2024-02-15` → days since 1970-01-01.
pub fn parse_day(s: &str) -> Option<i32> {
    let d = Date::parse(s, format_description!("[year]-[month]-[day]")).ok()?;
    i32::try_from((d - epoch()).whole_days()).ok()
}

/// Days since 1970-01-01 → `2024-02-15`.
pub fn format_day(day: i32) -> String {
    let d = epoch()
        .checked_add(Duration::days(i64::from(day)))
        .unwrap_or(Date::MAX);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// An ISO 8601 time in Vietnam's offset, for people reading history.
pub fn format_time(unix: i64) -> String {
    let offset = UtcOffset::from_whole_seconds(VN_OFFSET_SECONDS).expect("UTC+7 is valid");
    match OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => {
            let t = t.to_offset(offset);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        }
        Err(_) => unix.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        assert_eq!(parse_day("1970-01-01"), Some(0));
        assert_eq!(parse_day("2024-02-29"), Some(19_782));
        assert_eq!(format_day(19_782), "2024-02-29");
        assert_eq!(parse_day("2024-02-30"), None);
        assert_eq!(parse_day("15/02/2024"), None);
    }

    #[test]
    fn vietnamese_day_starts_at_17_00_utc() {
        // 2024-01-01 16:59:59 UTC is still 23:59:59 on 1 January in Hà Nội.
        let t = 1_704_128_399;
        assert_eq!(format_day(day_of(t)), "2024-01-01");
        assert_eq!(format_day(day_of(t + 1)), "2024-01-02");
        assert_eq!(format_time(t), "2024-01-01 23:59:59");
    }
}
