//! `clock`: the current date and time in an IANA time zone (chrono-tz's database).

use async_trait::async_trait;
use chrono::{DateTime, Offset, Utc};
use chrono_tz::{OffsetName, Tz, TZ_VARIANTS};
use serde_json::{json, Value};
use telltale_protocol::StatusIcon;

use super::{status_naming, string_arg, Tool, ToolError, ToolSpec};

/// Places people name that are not the last part of an IANA zone name.
const ALIASES: &[(&str, &str)] = &[
    ("san francisco", "America/Los_Angeles"),
    ("seattle", "America/Los_Angeles"),
    ("california", "America/Los_Angeles"),
    ("nyc", "America/New_York"),
    ("boston", "America/New_York"),
    ("washington", "America/New_York"),
    ("miami", "America/New_York"),
    ("beijing", "Asia/Shanghai"),
    ("china", "Asia/Shanghai"),
    ("delhi", "Asia/Kolkata"),
    ("new delhi", "Asia/Kolkata"),
    ("mumbai", "Asia/Kolkata"),
    ("bangalore", "Asia/Kolkata"),
    ("india", "Asia/Kolkata"),
    ("japan", "Asia/Tokyo"),
    ("osaka", "Asia/Tokyo"),
    ("munich", "Europe/Berlin"),
    ("frankfurt", "Europe/Berlin"),
    ("germany", "Europe/Berlin"),
    ("france", "Europe/Paris"),
    ("uk", "Europe/London"),
    ("england", "Europe/London"),
    ("spain", "Europe/Madrid"),
    ("italy", "Europe/Rome"),
    ("barcelona", "Europe/Madrid"),
    ("milan", "Europe/Rome"),
    ("seoul", "Asia/Seoul"),
    ("korea", "Asia/Seoul"),
    ("hong kong", "Asia/Hong_Kong"),
    ("utc", "UTC"),
    ("gmt", "UTC"),
];

/// Finds the time zone for an IANA name ("Asia/Tokyo"), a city that ends one ("Tokyo",
/// "new york") or a well-known alias ("San Francisco"), ignoring case.
pub fn resolve_zone(place: &str) -> Option<Tz> {
    let wanted = place.trim().to_lowercase().replace('_', " ");
    if wanted.is_empty() {
        return None;
    }
    if let Some((_, name)) = ALIASES.iter().find(|(alias, _)| *alias == wanted) {
        return name.parse().ok();
    }
    let full = TZ_VARIANTS.iter().find(|tz| tz.name().to_lowercase().replace('_', " ") == wanted);
    let city = || {
        TZ_VARIANTS.iter().find(|tz| {
            let name = tz.name();
            name.contains('/')
                && !name.starts_with("Etc/")
                && name.rsplit('/').next().map(|c| c.to_lowercase().replace('_', " "))
                    == Some(wanted.clone())
        })
    };
    full.or_else(city).copied()
}

pub struct Clock;

#[async_trait]
impl Tool for Clock {
    fn spec(&self) -> ToolSpec {
        ToolSpec::object(
            "clock",
            "Returns the current date and time in a time zone. Accepts an IANA zone \
             (\"Asia/Tokyo\"), a major city (\"Tokyo\") or \"UTC\".",
            json!({"timezone": {"type": "string", "description": "IANA time zone or city, e.g. Asia/Tokyo."}}),
            &["timezone"],
        )
    }

    fn status(&self, args: &Value) -> (String, StatusIcon) {
        let named = |zone: &str| format!("Checking the time in {zone}…");
        status_naming(args, "timezone", named, "Checking the time…", StatusIcon::Clock)
    }

    async fn call(&self, args: Value) -> Result<String, ToolError> {
        let place = string_arg(&args, "timezone")?;
        let zone = resolve_zone(&place).ok_or_else(|| {
            ToolError::InvalidArgs(format!(
                "unknown time zone \"{place}\"; use an IANA name such as Asia/Tokyo or Europe/Paris"
            ))
        })?;
        Ok(describe(Utc::now(), zone).to_string())
    }
}

/// The clock's answer for `now` in `zone`, as a JSON object that people and models both read.
pub fn describe(now: DateTime<Utc>, zone: Tz) -> Value {
    let local = now.with_timezone(&zone);
    let offset = local.offset();
    let seconds = offset.fix().local_minus_utc();
    let utc_offset = format!(
        "{}{:02}:{:02}",
        if seconds < 0 { '-' } else { '+' },
        seconds.abs() / 3600,
        seconds.abs() % 3600 / 60
    );
    json!({
        "timezone": zone.name(),
        "iso": local.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        "date": local.format("%A, %-d %B %Y").to_string(),
        "time": local.format("%H:%M").to_string(),
        "abbreviation": offset.abbreviation().unwrap_or(""),
        "utc_offset": utc_offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn resolves_zones_cities_and_aliases() {
        let cases = [
            ("Asia/Tokyo", "Asia/Tokyo"),
            ("tokyo", "Asia/Tokyo"),
            ("New York", "America/New_York"),
            ("new_york", "America/New_York"),
            ("San Francisco", "America/Los_Angeles"),
            ("UTC", "UTC"),
            ("europe/paris", "Europe/Paris"),
        ];
        for (place, zone) in cases {
            assert_eq!(resolve_zone(place).map(|z| z.name()), Some(zone), "{place}");
        }
        assert_eq!(resolve_zone("Atlantis"), None);
        assert_eq!(resolve_zone(""), None);
    }

    #[test]
    fn describes_a_moment_in_a_zone() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 23, 20, 5).unwrap();
        let tokyo = describe(now, chrono_tz::Asia::Tokyo);
        assert_eq!(
            tokyo,
            json!({
                "timezone": "Asia/Tokyo",
                "iso": "2026-11-24T08:20:05+09:00",
                "date": "Tuesday, 24 November 2026",
                "time": "08:20",
                "abbreviation": "JST",
                "utc_offset": "+09:00",
            })
        );
        let kolkata = describe(now, chrono_tz::Asia::Kolkata);
        assert_eq!(kolkata["utc_offset"], "+05:30");
    }

    #[tokio::test]
    async fn unknown_zone_is_an_invalid_argument() {
        let err = Clock.call(json!({"timezone": "Mars/Olympus"})).await.unwrap_err();
        assert!(matches!(err, ToolError::InvalidArgs(_)), "{err}");
    }
}
