//! Dates as Vietnamese readers expect them: dd/mm/yyyy, Vietnam time (UTC+7).

const VN_OFFSET_MS: i64 = 7 * 3600 * 1000;

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// An ISO date ("2026-03-01") as pages show dates ("01/03/2026"); empty if it is not a date.
pub fn date_vn(iso: &str) -> String {
    shared::calendar::Date::parse(iso)
        .map(shared::calendar::Date::format_vn)
        .unwrap_or_default()
}

/// "22/11/2026 14:05" in Vietnam time.
pub fn datetime_vn(ms: i64) -> String {
    let local = ms + VN_OFFSET_MS;
    let days = local.div_euclid(86_400_000);
    let secs = local.rem_euclid(86_400_000) / 1000;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{d:02}/{m:02}/{y} {:02}:{:02}",
        secs / 3600,
        (secs % 3600) / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnam_time_crosses_midnight_before_utc() {
        // 2026-11-22T17:30:00Z is 00:30 on 23/11 in Vietnam.
        assert_eq!(datetime_vn(1_795_368_600_000), "23/11/2026 00:30");
        assert_eq!(datetime_vn(0), "01/01/1970 07:00");
    }
}
