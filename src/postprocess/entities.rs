//! The few character references that matter for heading ids and link paths, decoded; shared
//! by the `headings` and `urls` passes.
//!
//! What this is not: a full HTML entity decoder; unknown named references become a space.

/// Decodes the few character references that matter for ids and link paths (`&amp;`, `&lt;`,
/// `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric ones); other named references become a
/// space, which heading ids treat as a separator.
pub(super) fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match rest.find(';').filter(|&end| end <= 32) {
            Some(end) => {
                out.push_str(&decode_reference(&rest[1..end]));
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text for one character reference name (between `&` and `;`).
fn decode_reference(name: &str) -> String {
    let numeric = match name.strip_prefix('#') {
        Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16).ok(),
        Some(dec) => dec.parse().ok(),
        None => None,
    };
    if let Some(c) = numeric.and_then(char::from_u32) {
        return c.to_string();
    }
    match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => " ",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_entities_handles_known_numeric_and_broken_references() {
        assert_eq!(decode_entities("a&amp;b&#x4e2d;&#25991;&mdash;c & d"), "a&b中文 c & d");
    }
}
