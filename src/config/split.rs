//! The `[split]` table of `site.toml`: every rule that differs between papers, with defaults
//! that read the sample issue.
//!
//! For: the table's types and defaults, so `config` can read it without knowing the splitter.
//! Not for: compiling or applying the rules (that is `split::rules` and the splitter).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result};
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
    /// Headline lines that name a rubric (栏目); a line containing `·`, a `【…】` line and a
    /// `【…】` or `（…观察）`-style tag in a title always do.
    pub column_patterns: Vec<String>,
    /// News agencies: in a byline (`By X, Associated Press`) they are the `agency`, not an author.
    pub agencies: Vec<String>,
    /// Headings over a roundup of `●` items that is a story of its own (`简讯`, `In Brief`).
    pub roundup_titles: Vec<String>,
    /// A letter's signature (`— Jane Roe, Riverside`): the signers are the authors.
    pub signature_patterns: Vec<String>,
    /// The masthead line (paper, date, weekday, issue number): page furniture, not text.
    pub masthead_patterns: Vec<String>,
    /// End marks (`（完）`, `-30-`): dropped, and the article counts as ended there.
    pub end_patterns: Vec<String>,
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

/// The parts of `<root>/site.toml` that `split` reads: `[split]` and the names of the
/// `[[sections]]`. Everything else in the file (theme, URLs) is ignored, and a folder without a
/// `site.toml` gives the defaults and no declared section.
pub fn load(root: &Path) -> Result<(SplitConfig, Vec<String>)> {
    #[derive(Deserialize, Default)]
    struct Section {
        name: String,
    }
    #[derive(Deserialize, Default)]
    struct SplitOnly {
        #[serde(default)]
        split: SplitConfig,
        #[serde(default)]
        sections: Vec<Section>,
    }
    let path = root.join(super::CONFIG_FILE);
    if !crate::fs::exists(&path) {
        return Ok((SplitConfig::default(), Vec::new()));
    }
    let text = crate::fs::read_to_string(&path)?;
    let parsed: SplitOnly =
        toml::from_str(&text).with_context(|| format!("invalid `{}`", path.display()))?;
    Ok((parsed.split, parsed.sections.into_iter().map(|s| s.name).collect()))
}

pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Chinese numerals or Arabic digits, as a page number is printed (`二`, `05`, `A05`).
const PAGE: &str = r"[A-Za-z]?[0-9]{1,3}|[一二三四五六七八九十百零〇两]{1,4}";
const MONTHS: &str =
    "january|february|march|april|may|june|july|august|september|october|november|december";
const WEEKDAYS: &str = "monday|tuesday|wednesday|thursday|friday|saturday|sunday";

impl Default for SplitConfig {
    fn default() -> Self {
        Self {
            default_section: None,
            byline_patterns: default_bylines(),
            byline_role_lines: strings(&[
                r"^(?i:((staff|senior|contributing|special|chief|political|business|sports|metro|foreign|science|education|local) )?(staff )?(writer|reporter|correspondent|editor|columnist|photographer)s?)$",
                r"^(?i:(the )?associated press|reuters|afp|agence france-presse|bloomberg( news)?|the new york times|the washington post|los angeles times|tribune news service|xinhua|kyodo news|correspondent)$",
                r"^(?i:special to (the )?[A-Za-z .'’-]{1,40})$",
                r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$",
            ]),
            author_roles: strings(&[
                "特约记者",
                "见习记者",
                "实习记者",
                "摄影记者",
                "首席记者",
                "特派记者",
                "记者",
                "通讯员",
                "实习生",
                "评论员",
            ]),
            credit_words: strings(&["文/图", "文／图", "图/文", "摄影", "摄", "文", "图"]),
            dateline_patterns: strings(&[
                r"^(?P<d>(本报|本刊|\p{Han}{1,6}(日报|晚报|晨报|时报|商报|都市报|青年报|法治报|报|网))(\S{0,10}?[0-9０-９]{1,2}月[0-9０-９]{1,2}日)?(讯|电))",
                r"^(?P<d>据?(新华社|中新社|中新网|人民日报|\p{Han}{2,6}社)\S{0,16}?[0-9０-９]{1,2}月[0-9０-９]{1,2}日电)",
                r"^(?P<d>[A-Z][A-Z .'-]{1,40}[A-Z](, [A-Z][A-Za-z.]{1,15})?( \((AP|Reuters|AFP|Bloomberg|UPI)\))?)\s+(—|–|--)\s",
            ]),
            caption_markers: strings(&["■", "▲", "△", "▼"]),
            caption_patterns: default_captions(),
            item_markers: strings(&["●", "◆"]),
            page_patterns: vec![
                format!(
                    r"^第\s*(?P<page>{PAGE})\s*版\s*[：:|·\s]?\s*(?P<section>[^\s。，,；;！？!?][^。，,；;！？!?]{{0,19}})?$"
                ),
                r"^(?i:page)\s+(?P<page>[A-Za-z]?\d{1,3})\s*((—|–|--|-|:|\|)\s*(?P<section>\S.{0,30}))?$"
                    .to_owned(),
            ],
            jump_out_patterns: vec![
                format!(r"^[（(]?\s*(下)?转(第)?\s*(?P<page>{PAGE})\s*版\s*[)）]?$"),
                r"^\(?(?i:continued on|see|please see|turn to|jump to)\s+((?P<slug>[A-Za-z][A-Za-z'’-]*)(,\s*|\s+on\s+|\s+))?(?i:page\s+)?(?P<page>[A-Za-z]?\d{1,3})\.?\)?$"
                    .to_owned(),
            ],
            jump_in_patterns: vec![
                format!(r"^[（(]?\s*(上|紧)?接(第)?\s*(?P<page>{PAGE})\s*版\s*[)）]?$"),
                r"^\(?((?P<slug>[A-Za-z][A-Za-z'’-]*),?\s+)?(?i:continued from|from)\s+(?i:page\s+)?(?P<page>[A-Za-z]?\d{1,3})\.?\)?$"
                    .to_owned(),
            ],
            column_patterns: strings(&[
                r"^(?i:letters( to the editor)?|your letters|readers write|editorials?|opinion|commentary)$",
                r"^(读者来信|来信照登|编读往来|社论|评论员文章)$",
            ]),
            agencies: strings(&[
                "The Associated Press",
                "Associated Press",
                "AP",
                "Reuters",
                "Agence France-Presse",
                "AFP",
                "Bloomberg News",
                "Bloomberg",
                "The New York Times",
                "The Washington Post",
                "Los Angeles Times",
                "Tribune News Service",
                "Xinhua",
                "Kyodo News",
                "新华社",
                "中新社",
            ]),
            roundup_titles: strings(&[
                "简讯", "快讯", "短讯", "简报", "速览", "速递", "一句话新闻", "In Brief", "Briefs",
                "Briefly", "Roundup", "Digest",
            ]),
            signature_patterns: strings(&[
                r"^(—|–|--|―)\s*[A-Z][\p{L}.'’-]*(\s+[A-Z][\p{L}.'’-]*){0,3}(\s*(,|and|&)\s*[A-Z][\p{L}.'’-]*(\s+[A-Z][\p{L}.'’-]*){0,3})*(,\s*[\p{L} .'’-]{1,40})?$",
                r"^——\s*(\p{Han}{1,8}\s+)?\p{Han}{2,4}$",
            ]),
            masthead_patterns: vec![
                r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日.{0,30}(星期[一二三四五六日天]|周[一二三四五六日天]|第\s*\d+\s*期|农历)".to_owned(),
                r"(星期[一二三四五六日天]|第\s*\d+\s*期).{0,30}\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日".to_owned(),
                format!(r"(?i)({WEEKDAYS}),?\s+({MONTHS})\s+\d{{1,2}},\s+\d{{4}}"),
                format!(r"(?i)({MONTHS})\s+\d{{1,2}},\s+\d{{4}}.{{0,30}}\b(vol\.|volume|no\.|issue|edition)"),
                format!(r"(?i)\b(vol\.|volume|no\.)\s*\d+.{{0,30}}({MONTHS})\s+\d{{1,2}},\s+\d{{4}}"),
            ],
            end_patterns: strings(&[
                r"^[（(](完|全文完|待续|未完待续|续完)[)）]$",
                r"^(-30-|###|#30#|\(?(?i:end)\)?)$",
            ]),
            subtitle_max_chars: 40,
            summary_max_chars: 120,
            section_aliases: BTreeMap::new(),
            rules: Vec::new(),
        }
    }
}

fn default_bylines() -> Vec<String> {
    const ROLE: &str = "(特约|见习|实习|摄影|首席|特派)?(记者|通讯员)|实习生";
    const NAMES: &str = r"\p{Han}{2,4}([、，,\s]+\p{Han}{2,4}){0,5}";
    const EN_NAME: &str =
        r"[A-Z][\p{L}.'’-]*(\s+([A-Z][\p{L}.'’-]*|de|van|von|der|da|di|la|le)){0,3}";
    vec![
        r"^[□◇☐]\s*\S".to_owned(),
        r"^(本报|本刊)(特约|见习|实习|首席|特派)?(记者|通讯员|评论员|特约评论员)".to_owned(),
        r"^(文|图|文/图|图/文|文／图|图／文|摄影)\s*[/／|｜:：]\s*\S".to_owned(),
        format!(r"^({ROLE})\s*{NAMES}(\s+({ROLE})\s*{NAMES})*(\s+(文/图|摄))?$"),
        r"^[（(]\s*(本报|本刊|新华社|中新社)?(特约|见习|实习|首席|特派)?(记者|通讯员)[^)）]{1,40}[)）]$"
            .to_owned(),
        r"^(新华社|中新社)\S{0,16}?电\s*[（(]\s*(记者|通讯员)[^)）]*[)）]$".to_owned(),
        format!(r"^(新华社|中新社)(特约)?(记者|通讯员)\s*{NAMES}$"),
        format!(
            r"^(?i:by)\s+{EN_NAME}((\s*,\s*|\s+and\s+|\s*&\s*|\s*[|/]\s*){EN_NAME})*$"
        ),
    ]
}

fn default_captions() -> Vec<String> {
    strings(&[
        r"^[（(]?(?i:photos?|photograph|illustration|graphic|(staff )?photos? by)\b[^:：]{0,60}[:：]",
        r"^\S.{0,40}\s摄$",
        r"^[^。，！？]{0,28}[^拍。，！？\s]摄$",
        r"^[^。，！？]{0,40}摄\s*[(（][^)）]{1,12}[)）]$",
        r"^[（(]?(新华社|中新社)发(\s*\S{2,12}摄)?[)）]?$",
        r"^[（(](资料图片|资料图|图片来源[:：].{1,20}|(新华社|中新社)发)[)）]$",
        r"^图[/／:：]\s*\S.{0,30}$",
        r"^\(?(?i:(AP|Reuters|AFP|Getty Images|Bloomberg) Photo(/[^)]{1,40})?)\)?$",
        r"^(?i:(staff |file )?photo(graph)? (by|courtesy of) [^.]{1,40})$",
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_needs_no_site_toml_and_no_theme() {
        let dir = tempfile::tempdir().unwrap();
        let (config, sections) = load(dir.path()).unwrap();
        assert_eq!((config, sections), (SplitConfig::default(), Vec::new()));
        let toml = "title = \"X\"\ntheme = \"missing\"\n[[sections]]\nname = \"要闻\"\nslug = \"yw\"\n\n[split]\nsummary_max_chars = 80\n";
        std::fs::write(dir.path().join("site.toml"), toml).unwrap();
        let (config, sections) = load(dir.path()).unwrap();
        assert_eq!((config.summary_max_chars, sections), (80, vec!["要闻".to_owned()]));
        std::fs::write(dir.path().join("site.toml"), "[split]\nnope = 1\n").unwrap();
        let err = format!("{:#}", load(dir.path()).unwrap_err());
        assert!(err.contains("site.toml") && err.contains("nope"), "{err}");
    }
}
