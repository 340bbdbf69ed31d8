//! Jumps: an article printed in parts (`（下转第二版）` … `（上接第一版）`, `Continued on C4` …
//! `Continued from A1`) is read back as one.
//!
//! For: remembering every jump-out and choosing, for a jump-in or a continuation headline, the
//! article it resumes: by page number first, then by a repeated headline or a one-word slug.
//! Pure bookkeeping on plain data. Not for: recognising the lines (see `lex`) or moving text
//! (see `group`).

use super::lex::{Jump, page_key};

/// One jump-out line and the article it ends on its page.
#[derive(Debug, Clone)]
pub(crate) struct Out {
    /// Index of the article (draft).
    pub(crate) draft: usize,
    pub(crate) line: usize,
    /// The page it jumps to (normalised), if printed.
    pub(crate) to: Option<String>,
    /// The page it was printed on (normalised), if known.
    pub(crate) from: Option<String>,
    pub(crate) slug: Option<String>,
    pub(crate) title: String,
    /// The line where it resumes, once matched.
    pub(crate) resumed_at: Option<usize>,
    /// How the match was made (`page`, `page and headline`, `headline`, `slug`, `latest`).
    pub(crate) matched_by: Option<&'static str>,
}

/// Every jump of the issue, in print order.
#[derive(Debug, Default)]
pub(crate) struct Jumps {
    pub(crate) outs: Vec<Out>,
}

/// Where a continuation is found: the page it is printed on, the page its jump-in line says it
/// comes from, and its headline (or slug line) if one is printed above it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Resume<'a> {
    pub(crate) here: Option<&'a str>,
    pub(crate) jump: Option<&'a Jump>,
    pub(crate) head: Option<&'a str>,
    pub(crate) line: usize,
}

impl Jumps {
    /// Records a jump-out of article `draft`, printed on page `from`.
    pub(crate) fn jump_out(
        &mut self,
        draft: usize,
        title: &str,
        line: usize,
        jump: &Jump,
        from: Option<&str>,
    ) {
        self.outs.push(Out {
            draft,
            line,
            to: jump.page.clone(),
            from: from.map(page_key),
            slug: jump.slug.clone(),
            title: title.to_owned(),
            resumed_at: None,
            matched_by: None,
        });
    }

    /// Whether some jump-out still waits for its continuation.
    pub(crate) fn any_open(&self) -> bool {
        self.outs.iter().any(|o| o.resumed_at.is_none())
    }

    /// The article a continuation resumes, and how it was matched; marks that jump resumed.
    /// With `headline_only`, only a repeated headline or slug counts (no page-only guess).
    pub(crate) fn resume(&mut self, at: Resume<'_>, headline_only: bool) -> Option<usize> {
        let (index, how) = self.choose(at, headline_only)?;
        let out = &mut self.outs[index];
        out.resumed_at = Some(at.line);
        out.matched_by = Some(how);
        Some(out.draft)
    }

    fn choose(&self, at: Resume<'_>, headline_only: bool) -> Option<(usize, &'static str)> {
        let open: Vec<usize> =
            (0..self.outs.len()).filter(|&k| self.outs[k].resumed_at.is_none()).collect();
        let by_page: Vec<usize> = open.iter().copied().filter(|&k| self.page_fits(k, at)).collect();
        let named =
            |set: &[usize]| set.iter().rev().copied().find(|&k| self.named(k, at, headline_only));
        if let Some(k) = named(&by_page) {
            return Some((k, "page and headline"));
        }
        if let Some(k) = named(&open) {
            return Some((
                k,
                if at.jump.is_some_and(|j| j.slug.is_some()) { "slug" } else { "headline" },
            ));
        }
        if headline_only {
            return None;
        }
        let exact: Vec<usize> =
            by_page.iter().copied().filter(|&k| self.page_known(k, at)).collect();
        match exact.as_slice() {
            [k] => Some((*k, "page")),
            _ => by_page.last().map(|&k| (k, "latest open jump")),
        }
    }

    /// No printed page contradicts the match.
    fn page_fits(&self, k: usize, at: Resume<'_>) -> bool {
        let out = &self.outs[k];
        let here = at.here.map(page_key);
        let from = at.jump.and_then(|j| j.page.clone());
        agrees(out.to.as_ref(), here.as_ref()) && agrees(out.from.as_ref(), from.as_ref())
    }

    /// At least one printed page confirms the match.
    fn page_known(&self, k: usize, at: Resume<'_>) -> bool {
        let out = &self.outs[k];
        let here = at.here.map(page_key);
        let from = at.jump.and_then(|j| j.page.clone());
        (out.to.is_some() && out.to == here) || (out.from.is_some() && out.from == from)
    }

    /// The continuation's headline repeats the title, or its slug word is the jump-out's.
    /// `strict` (no jump-in line printed): the headline must repeat or shorten the title,
    /// not merely resemble it.
    fn named(&self, k: usize, at: Resume<'_>, strict: bool) -> bool {
        let out = &self.outs[k];
        let slug = at.jump.and_then(|j| j.slug.as_deref());
        let slug_hit = |s: &str| out.slug.as_deref() == Some(s) || title_has_word(&out.title, s);
        slug.is_some_and(slug_hit)
            || at
                .head
                .is_some_and(|h| similar(h, &out.title, strict) || slug_hit(&h.to_lowercase()))
    }
}

fn agrees(a: Option<&String>, b: Option<&String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

fn title_has_word(title: &str, word: &str) -> bool {
    !word.is_empty()
        && title.split(|c: char| !c.is_alphanumeric()).any(|w| w.eq_ignore_ascii_case(word))
}

/// Whether a continuation headline repeats or shortens `title` (or, unless `strict`, is
/// within a few edits of it).
pub(crate) fn similar(head: &str, title: &str, strict: bool) -> bool {
    let norm =
        |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    let (head, title) = (norm(head), norm(title));
    !head.is_empty()
        && (title.contains(&head)
            || head.contains(&title)
            || !strict && strsim::normalized_levenshtein(&head, &title) >= 0.7)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(to: &str, from: &str, title: &str) -> Jump {
        let _ = (from, title);
        Jump { page: Some(to.into()), slug: None }
    }

    #[test]
    fn shortened_titles_are_similar() {
        assert!(similar("Budget", "City passes budget after long night", true));
        assert!(similar("青岛港吞吐量创新高", "青岛港吞吐量创新高", true));
        assert!(!similar("Weather", "City passes budget", false));
        assert!(!similar("第100号标题新闻", "第1号标题新闻", true));
    }

    #[test]
    fn page_numbers_match_across_articles_between() {
        let mut jumps = Jumps::default();
        jumps.jump_out(0, "甲", 5, &out("2", "1", "甲"), Some("1"));
        jumps.jump_out(1, "乙", 9, &out("3", "1", "乙"), Some("1"));
        jumps.jump_out(2, "丙", 12, &out("2", "1", "丙"), Some("1"));
        let from_one = Jump { page: Some("1".into()), slug: None };
        let on_three = Resume { here: Some("三"), jump: Some(&from_one), head: None, line: 20 };
        assert_eq!(jumps.resume(on_three, false), Some(1));
        let on_two =
            Resume { here: Some("02"), jump: Some(&from_one), head: Some("甲"), line: 30 };
        assert_eq!(jumps.resume(on_two, false), Some(0));
        assert_eq!(jumps.outs[0].matched_by, Some("page and headline"));
        let again = Resume { here: Some("2"), jump: Some(&from_one), head: None, line: 40 };
        assert_eq!(jumps.resume(again, false), Some(2));
        assert!(!jumps.any_open());
    }

    #[test]
    fn a_slug_finds_its_story() {
        let mut jumps = Jumps::default();
        let see = Jump { page: Some("A6".into()), slug: Some("harbor".into()) };
        jumps.jump_out(0, "Council approves harbor plan", 5, &see, Some("A1"));
        jumps.jump_out(
            1,
            "Schools open early",
            9,
            &Jump { page: Some("A6".into()), slug: None },
            Some("A1"),
        );
        let slug = Jump { page: Some("A1".into()), slug: Some("harbor".into()) };
        let at = Resume { here: Some("A6"), jump: Some(&slug), head: None, line: 20 };
        assert_eq!(jumps.resume(at, false), Some(0));
        assert_eq!(jumps.outs[0].matched_by, Some("page and headline"));
    }
}
