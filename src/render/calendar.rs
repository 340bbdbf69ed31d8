//! The archive's month calendars: for each month with an issue, its weeks from Monday as
//! rows of seven days, each day with its issue if there was one; and the year index above
//! them. Pure date arithmetic on the issue references; the table markup is the theme's.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

/// The weeks of a month, Monday first: `None` for days of the neighbouring months.
pub(crate) fn month_weeks(year: i32, month: u32) -> Vec<[Option<NaiveDate>; 7]> {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else { return Vec::new() };
    let mut weeks = Vec::new();
    let mut week = [None; 7];
    let mut day = first;
    while day.month() == month {
        let column = day.weekday().num_days_from_monday() as usize;
        week[column] = Some(day);
        if column == 6 {
            weeks.push(std::mem::take(&mut week));
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    if week.iter().any(Option::is_some) {
        weeks.push(week);
    }
    weeks
}

/// One month's calendar: `weeks` of seven cells, each `null` or `{day, date, issue}` where
/// `issue` is the issue reference of that day or `null`.
pub(crate) fn month_calendar(year: i32, month: u32, issues: &BTreeMap<NaiveDate, &Value>) -> Value {
    let cell = |day: Option<NaiveDate>| {
        day.map_or(Value::Null, |d| {
            object([
                ("day", d.day().into()),
                ("date", d.to_string().into()),
                ("issue", issues.get(&d).map_or(Value::Null, |&i| i.clone())),
            ])
        })
    };
    month_weeks(year, month)
        .into_iter()
        .map(|week| week.into_iter().map(cell).collect::<Vec<Value>>().into())
        .collect::<Vec<Value>>()
        .into()
}

/// The year index: each year (newest first) with its months that have issues, newest first,
/// as `{year, months: [{month, anchor, label_date}]}`; `anchor` is the month section's id.
pub(crate) fn year_index(months: &[(i32, u32)]) -> Value {
    let mut years: Vec<(i32, Vec<Value>)> = Vec::new();
    for &(year, month) in months {
        let entry = object([
            ("month", month.into()),
            ("anchor", format!("month-{year:04}-{month:02}").into()),
            ("label_date", format!("{year:04}-{month:02}-01").into()),
        ]);
        match years.last_mut() {
            Some((y, list)) if *y == year => list.push(entry),
            _ => years.push((year, vec![entry])),
        }
    }
    years
        .into_iter()
        .map(|(year, months)| object([("year", year.into()), ("months", months.into())]))
        .collect::<Vec<Value>>()
        .into()
}

/// A JSON object from its entries.
fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(entries.into_iter().map(|(key, value)| (key.to_owned(), value)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_and_cover_the_month() {
        // May 2024 starts on a Wednesday and ends on a Friday.
        let weeks = month_weeks(2024, 5);
        assert_eq!(weeks.len(), 5);
        assert_eq!(weeks[0][..2], [None, None]);
        assert_eq!(weeks[0][2].map(|d| d.day()), Some(1));
        assert_eq!(weeks[4][4].map(|d| d.day()), Some(31));
        assert_eq!(weeks[4][5], None);
        let days = weeks.iter().flatten().flatten().count();
        assert_eq!(days, 31);
    }

    #[test]
    fn a_month_ending_on_sunday_has_no_empty_week() {
        // June 2024 ends on Sunday the 30th.
        let weeks = month_weeks(2024, 6);
        assert_eq!(weeks.last().unwrap()[6].map(|d| d.day()), Some(30));
        assert_eq!(weeks.len(), 5);
    }
}
