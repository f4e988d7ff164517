//! `clock`: the current date and time in an IANA time zone: the system's time-zone database
//! (/usr/share/zoneinfo, kept up to date by the system), else the copy built in (jiff's).
//! (chrono-tz compiled its tables into the program: 29,000 start-up relocations on every
//! `telltale run`, clock or not.)

use async_trait::async_trait;
use jiff::tz::{self, TimeZone};
use jiff::Timestamp;
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
pub fn resolve_zone(place: &str) -> Option<TimeZone> {
    let wanted = place.trim().to_lowercase().replace('_', " ");
    if wanted.is_empty() {
        return None;
    }
    let db = tz::db();
    if let Some((_, name)) = ALIASES.iter().find(|(alias, _)| *alias == wanted) {
        return db.get(name).ok();
    }
    // The database finds full names in any case.
    if let Ok(zone) = db.get(&wanted.replace(' ', "_")) {
        return Some(zone);
    }
    let city = db.available().find(|name| {
        let name = name.as_str();
        name.contains('/')
            && !name.starts_with("Etc/")
            && name.rsplit('/').next().map(|c| c.to_lowercase().replace('_', " ")).as_deref()
                == Some(wanted.as_str())
    })?;
    db.get(city.as_str()).ok()
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
        Ok(describe(Timestamp::now(), &zone).to_string())
    }
}

/// The clock's answer for `now` in `zone`, as a JSON object that people and models both read.
pub fn describe(now: Timestamp, zone: &TimeZone) -> Value {
    let local = now.to_zoned_datetime(zone.clone());
    let seconds = local.offset().seconds();
    let utc_offset = format!(
        "{}{:02}:{:02}",
        if seconds < 0 { '-' } else { '+' },
        seconds.abs() / 3600,
        seconds.abs() % 3600 / 60
    );
    json!({
        "timezone": zone.iana_name().unwrap_or("UTC"),
        "iso": local.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        "date": local.strftime("%A, %-d %B %Y").to_string(),
        "time": local.strftime("%H:%M").to_string(),
        "abbreviation": zone.to_offset_info(now).abbreviation(),
        "utc_offset": utc_offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let found = resolve_zone(place);
            assert_eq!(found.as_ref().and_then(TimeZone::iana_name), Some(zone), "{place}");
        }
        assert!(resolve_zone("Atlantis").is_none());
        assert!(resolve_zone("").is_none());
    }

    #[test]
    fn describes_a_moment_in_a_zone() {
        let now: Timestamp = "2026-11-23T23:20:05Z".parse().unwrap();
        let tokyo = describe(now, &resolve_zone("Asia/Tokyo").unwrap());
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
        let kolkata = describe(now, &resolve_zone("Asia/Kolkata").unwrap());
        assert_eq!(kolkata["utc_offset"], "+05:30");
    }

    #[tokio::test]
    async fn unknown_zone_is_an_invalid_argument() {
        let err = Clock.call(json!({"timezone": "Mars/Olympus"})).await.unwrap_err();
        assert!(matches!(err, ToolError::InvalidArgs(_)), "{err}");
    }
}
