//! The `[split]` table of `site.toml`: every rule that differs between papers, with defaults
//! that read the sample issue.
//!
//! For: the table's types and defaults, so `config` can read it without knowing the splitter.
//! Not for: compiling or applying the rules (that is `split::rules` and the splitter).

use std::collections::BTreeMap;

use serde::Deserialize;

/// The `[split]` table of `site.toml`.
///
/// Every pattern is a regular expression (Rust `regex` syntax) matched against one trimmed
/// source line with its Markdown heading marks removed.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SplitConfig {
    /// Section for articles no page marker or rule places; default: the first declared section.
    pub default_section: Option<String>,
    /// A line matching one of these is a byline (`□青岛日报/观海新闻记者 刘佳旋`, `By SAM LEE`).
    pub byline_patterns: Vec<String>,
    /// A line right after a byline matching one of these belongs to it (`Staff Writer`).
    pub byline_role_lines: Vec<String>,
    /// Words in a byline that name a role, not a person (`记者`, `通讯员`); the name follows.
    pub author_roles: Vec<String>,
    /// Trailing credit words dropped from author names (`文/图`, `摄`).
    pub credit_words: Vec<String>,
    /// Datelines opening the first paragraph; the named group `d` (or the whole match) is kept.
    pub dateline_patterns: Vec<String>,
    /// Characters that open a photo caption (`■`, `▲`); the marker is removed from the text.
    pub caption_markers: Vec<String>,
    /// Whole-line patterns of captions kept verbatim (`Photo: …`, a short line ending in `摄`).
    pub caption_patterns: Vec<String>,
    /// Characters that open a sidebar item (`●`).
    pub item_markers: Vec<String>,
    /// Page markers; named groups `page` and (optional) `section`.
    pub page_patterns: Vec<String>,
    /// Jump lines where an article continues elsewhere (`转第A05版`, `Continued on B2`).
    pub jump_out_patterns: Vec<String>,
    /// Jump lines where a continued article resumes (`上接第A01版`, `Continued from B1`).
    pub jump_in_patterns: Vec<String>,
    /// Headline lines that name a rubric (栏目); a line containing `·` always does.
    pub column_patterns: Vec<String>,
    /// A plain line this short (in characters) between title and byline is a subtitle.
    pub subtitle_max_chars: usize,
    /// Longest summary, in characters.
    pub summary_max_chars: usize,
    /// Page-marker section names mapped to declared section names (`要闻` → `时政`).
    pub section_aliases: BTreeMap<String, String>,
    /// Keyword rules that choose a section when no page marker does (first match wins).
    pub rules: Vec<SectionRule>,
}

/// One `[[split.rules]]` entry.
///
/// An article matches on its headline block (column, kicker, title, subtitle) when its column
/// equals one of `columns` or the headline contains one of `keywords`; the first matching rule
/// wins. When no rule matches the headline, the rule whose keywords occur most often in the body
/// wins (ties: the earlier rule); with no hit at all the default section applies.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SectionRule {
    /// The declared section name this rule assigns.
    pub section: String,
    /// Words looked for in the headline block, then in the body.
    pub keywords: Vec<String>,
    /// Column names (栏目) that place an article in this section.
    pub columns: Vec<String>,
}

pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl Default for SplitConfig {
    fn default() -> Self {
        Self {
            default_section: None,
            byline_patterns: strings(&[
                r"^[□◇☐]\s*\S",
                r"^(本报|本刊)(特约|见习|实习)?(记者|通讯员|评论员|特约评论员)",
                r"^(记者|通讯员)\s*\S{2,4}(\s+(记者|通讯员)\s*\S{2,4})*(\s+(文/图|摄))?$",
                r"^(新华社|中新社)\S{0,16}?电\s*[（(]\s*(记者|通讯员)[^)）]*[)）]$",
                r"^(?i:by)\s+[A-Z][A-Za-z.'’-]*(\s+[A-Z][A-Za-z.'’-]*){0,3}((\s*,\s*|\s+and\s+|\s*&\s*)[A-Z][A-Za-z.'’-]*(\s+[A-Z][A-Za-z.'’-]*){0,3})*$",
            ]),
            byline_role_lines: strings(&[
                r"^(?i:(staff|senior|contributing|special) (writer|reporter|correspondent)s?)$",
                r"^(?i:(the )?associated press|reuters|correspondent)$",
            ]),
            author_roles: strings(&[
                "特约记者",
                "见习记者",
                "实习记者",
                "摄影记者",
                "记者",
                "通讯员",
                "实习生",
                "评论员",
            ]),
            credit_words: strings(&["文/图", "文／图", "图/文", "摄影", "摄", "文", "图"]),
            dateline_patterns: strings(&[
                r"^(?P<d>本报\S{0,10}?\d{1,2}月\d{1,2}日(讯|电))",
                r"^(?P<d>(新华社|中新社|人民日报)\S{0,16}?\d{1,2}月\d{1,2}日电)",
                r"^(?P<d>[A-Z][A-Z .'-]{1,40}[A-Z](, [A-Z][A-Za-z.]{1,15})?)\s+(—|–|--)\s",
            ]),
            caption_markers: strings(&["■", "▲", "△"]),
            caption_patterns: strings(&[
                r"^[（(]?(?i:photos?|photograph)\s*[:：]",
                r"^\S.{0,40}\s摄$",
            ]),
            item_markers: strings(&["●", "◆"]),
            page_patterns: strings(&[
                r"^第\s*(?P<page>[A-Za-z]?\d+)\s*版\s*[：:\s]?\s*(?P<section>\S.*)?$",
                r"^(?i:page)\s+(?P<page>[A-Za-z]?\d+)\s*((—|–|--|-|:)\s*(?P<section>\S.*))?$",
            ]),
            jump_out_patterns: strings(&[
                r"^[（(]?\s*(下)?转第\s*[A-Za-z]?\d+\s*版\s*[)）]?$",
                r"^[（(]?(?i:continued on (page )?[A-Za-z]?\d+)\.?[)）]?$",
            ]),
            jump_in_patterns: strings(&[
                r"^[（(]?\s*上接第\s*[A-Za-z]?\d+\s*版\s*[)）]?$",
                r"^[（(]?(?i:continued from (page )?[A-Za-z]?\d+)\.?[)）]?$",
            ]),
            column_patterns: Vec::new(),
            subtitle_max_chars: 40,
            summary_max_chars: 120,
            section_aliases: BTreeMap::new(),
            rules: Vec::new(),
        }
    }
}
