//! How a stored API key is shown to the webview: a mask like `sk-…a1b2`, never the key.

/// The mask of `key`: its vendor prefix (up to the first `-`, when short) and its last four
/// characters, e.g. `sk-…a1b2`. Short keys show nothing of themselves (`••••`), so that a mask
/// never gives away most of a key.
pub fn mask(key: &str) -> String {
    let chars: Vec<char> = key.trim().chars().collect();
    if chars.len() < 12 {
        return "••••".to_owned();
    }
    let prefix: String = match chars.iter().position(|c| *c == '-') {
        Some(dash) if dash < 4 => chars[..=dash].iter().collect(),
        _ => String::new(),
    };
    let suffix: String = chars[chars.len() - 4..].iter().collect();
    format!("{prefix}…{suffix}")
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_keep_the_vendor_prefix_and_the_last_four_characters() {
        assert_eq!(mask("sk-proj-abcdefghijklmnopqrstuvwxyza1b2"), "sk-…a1b2");
        assert_eq!(mask("sk-ant-api03-0123456789abcdefXYZ9"), "sk-…XYZ9");
        assert_eq!(mask("gsk_0123456789abcdefghij"), "…ghij");
        assert_eq!(mask("  sk-or-v1-0123456789abcdef  "), "sk-…cdef");
    }

    #[test]
    fn short_keys_show_nothing_of_themselves() {
        assert_eq!(mask("abc"), "••••");
        assert_eq!(mask("sk-12345678"), "••••");
        assert_eq!(mask(""), "••••");
    }

    #[test]
    fn a_mask_never_contains_more_than_four_characters_of_the_key_body() {
        let key = "sk-abcdefghijklmnopqrstuvwxyz0123456789";
        let m = mask(key);
        assert!(!m.contains("abcdef") && m.ends_with("6789"), "{m}");
    }
}
