//! The issue date printed on the masthead (`2024年5月24日 星期五`, `Thursday, October 2, 2025`),
//! so `--date` is optional.
//!
//! For: reading a date out of the masthead lines `lex` found. Not for: recognising the masthead
//! (see `lex`).

use regex::Regex;
use std::sync::LazyLock;

use super::lex::{Block, Kind};
use crate::text::fold_width;

static CHINESE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日").ok());
static MONTH_FIRST: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)\b([a-z]{3,9})\.?\s+(\d{1,2}),\s+(\d{4})\b").ok());
static DAY_FIRST: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)\b(\d{1,2})\s+([a-z]{3,9})\.?\s+(\d{4})\b").ok());

/// The first masthead date of the issue as `YYYY-MM-DD`, with its line.
pub(crate) fn issue_date(blocks: &[Block]) -> Option<(String, usize)> {
    blocks
        .iter()
        .filter(|b| b.kind == Kind::Masthead)
        .find_map(|b| date_in(&fold_width(&b.text)).map(|d| (d, b.line())))
}

/// A date written the Chinese or the English way in `text`.
pub(crate) fn date_in(text: &str) -> Option<String> {
    let ymd = |y: &str, m: u32, d: &str| -> Option<String> {
        let date = chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m, d.parse().ok()?)?;
        Some(date.format("%Y-%m-%d").to_string())
    };
    if let Some(c) = CHINESE.as_ref().and_then(|re| re.captures(text)) {
        return ymd(&c[1], c[2].parse().ok()?, &c[3]);
    }
    if let Some(c) = MONTH_FIRST.as_ref().and_then(|re| re.captures(text))
        && let Some(m) = month(&c[1])
    {
        return ymd(&c[3], m, &c[2]);
    }
    let c = DAY_FIRST.as_ref()?.captures(text)?;
    ymd(&c[3], month(&c[2])?, &c[1])
}

fn month(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let lower = name.to_lowercase();
    let at = MONTHS.iter().position(|m| lower.starts_with(m))?;
    u32::try_from(at + 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_on_mastheads() {
        assert_eq!(date_in("人民日报 2024年5月24日 星期五").as_deref(), Some("2024-05-24"));
        assert_eq!(date_in("Thursday, October 2, 2025 — Vol. 12").as_deref(), Some("2025-10-02"));
        assert_eq!(date_in("Friday 3 October 2025").as_deref(), Some("2025-10-03"));
        assert_eq!(date_in("2024年13月1日"), None);
    }
}
