//! A conversation export as a hostile file to import: parsing never panics; a file that parses
//! is imported into a fresh in-memory history, exported again, and that export imports again to
//! the same export (nothing lost or changed on the way). Inputs up to 1 MiB (`-max_len`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale_history::{import, Format, History};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if import::parse(text).is_err() {
        return;
    }
    let history = History::open_in_memory().expect("an in-memory history");
    // A file that parses may still be refused as a whole (nothing is written then).
    let Ok(first) = history.import_json(text) else { return };
    let exported = history.export(&first.id, Format::Json).expect("an imported conversation exports");
    let second = history.import_json(&exported).expect("an export imports");
    let again = history.export(&second.id, Format::Json).expect("exports again");
    assert_eq!(strip_ids(&exported), strip_ids(&again), "export → import → export changed it");
});

/// The export without the ids an import gives anew: the conversation's, and every `run_id`
/// (of runs, their events and the stored messages).
fn strip_ids(export: &str) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_str(export).expect("an export is JSON");
    if let Some(conversation) = value.get_mut("conversation") {
        conversation["id"] = serde_json::Value::Null;
    }
    null_run_ids(&mut value);
    value
}

fn null_run_ids(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "run_id" {
                    *inner = serde_json::Value::Null;
                } else {
                    null_run_ids(inner);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(null_run_ids),
        _ => {}
    }
}
