//! Typed page contexts matching /work/notes/contract.md (for `from_serialize(&struct)`).
//! Loaded from the JSON that broadsheet's `context_for` produced, then checked to serialize
//! back to exactly the same JSON, so both ways of passing a context carry the same data.
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

type J = serde_json::Value;

#[derive(Serialize, Deserialize, Clone)]
pub struct SectionRef {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub description: Option<String>,
    pub order: J,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct IssueRef {
    pub date: String,
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub article_count: Option<u64>,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct AuthorRef {
    pub name: String,
    pub slug: String,
    pub url: String,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct Summary {
    pub title: String,
    pub kicker: Option<String>,
    pub subtitle: Option<String>,
    pub column: Option<String>,
    pub url: String,
    pub date: String,
    pub issue: String,
    pub section: Option<SectionRef>,
    pub page: Option<String>,
    pub order: Option<i64>,
    pub authors: Vec<AuthorRef>,
    pub byline: Option<String>,
    pub dateline: Option<String>,
    pub summary: Option<String>,
    pub reading_time: u32,
    pub truncated: bool,
    pub tags: Vec<String>,
}

/// ArticleSummary + body fields (written out, no `flatten`, so serialization is plain).
#[derive(Serialize, Deserialize, Clone)]
pub struct ArticleFull {
    pub title: String,
    pub kicker: Option<String>,
    pub subtitle: Option<String>,
    pub column: Option<String>,
    pub url: String,
    pub date: String,
    pub issue: String,
    pub section: Option<SectionRef>,
    pub page: Option<String>,
    pub order: Option<i64>,
    pub authors: Vec<AuthorRef>,
    pub byline: Option<String>,
    pub dateline: Option<String>,
    pub summary: Option<String>,
    pub reading_time: u32,
    pub truncated: bool,
    pub tags: Vec<String>,
    pub content: String,
    pub word_count: u64,
    pub slug: String,
    pub extra: J,
    pub source: Option<String>,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct Site {
    pub title: String,
    pub description: String,
    pub language: String,
    pub base_url: String,
    pub base_path: String,
    pub feeds: bool,
    pub search: bool,
    pub build_date: String,
    pub sections: Vec<SectionRef>,
    pub newest_issue: Option<IssueRef>,
    pub extra: J,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct PageInfo {
    pub kind: String,
    pub url: String,
    pub title: String,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct Group {
    pub section: Option<SectionRef>,
    pub page: Option<String>,
    pub articles: Vec<Summary>,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct IssueFull {
    pub date: String,
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub url: String,
    pub article_count: u64,
    pub prev: Option<IssueRef>,
    pub next: Option<IssueRef>,
    pub lead: Option<Summary>,
    pub groups: Vec<Group>,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct Latest {
    pub section: SectionRef,
    pub articles: Vec<Summary>,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct PageLink {
    pub number: u64,
    pub url: String,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct Paginator {
    pub articles: Vec<Summary>,
    pub current: u64,
    pub total_pages: u64,
    pub total_articles: u64,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct AuthorFull {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub articles: Vec<Summary>,
    pub article_count: u64,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct ArticleCtx {
    pub site: Site,
    pub t: BTreeMap<String, String>,
    pub page: PageInfo,
    pub article: ArticleFull,
    pub issue: IssueRef,
    pub prev: Option<Summary>,
    pub next: Option<Summary>,
    pub more_from_section: Vec<Summary>,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct IndexCtx {
    pub site: Site,
    pub t: BTreeMap<String, String>,
    pub page: PageInfo,
    pub issue: IssueFull,
    pub recent_issues: Vec<IssueRef>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub latest_by_section: Option<Vec<Latest>>,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct SectionCtx {
    pub site: Site,
    pub t: BTreeMap<String, String>,
    pub page: PageInfo,
    pub section: SectionRef,
    pub paginator: Paginator,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct AuthorCtx {
    pub site: Site,
    pub t: BTreeMap<String, String>,
    pub page: PageInfo,
    pub author: AuthorFull,
}

#[derive(Clone)]
pub enum Typed {
    Article(Box<ArticleCtx>),
    Index(Box<IndexCtx>),
    Section(Box<SectionCtx>),
    Author(Box<AuthorCtx>),
}

impl Typed {
    pub fn from_json(template: &str, value: &J) -> Typed {
        let v = value.clone();
        let typed = match template {
            "article.html" => Typed::Article(serde_json::from_value(v).expect("article ctx")),
            "index.html" | "issue.html" => Typed::Index(serde_json::from_value(v).expect("index ctx")),
            "section.html" => Typed::Section(serde_json::from_value(v).expect("section ctx")),
            "author.html" => Typed::Author(serde_json::from_value(v).expect("author ctx")),
            other => panic!("no typed context for {other}"),
        };
        let back = typed.to_json();
        assert!(back == *value, "typed {template} context does not round-trip to the same JSON");
        typed
    }

    pub fn to_json(&self) -> J {
        match self {
            Typed::Article(c) => serde_json::to_value(c),
            Typed::Index(c) => serde_json::to_value(c),
            Typed::Section(c) => serde_json::to_value(c),
            Typed::Author(c) => serde_json::to_value(c),
        }
        .expect("serialize")
    }

    pub fn tera1(&self) -> tera1::Context {
        match self {
            Typed::Article(c) => tera1::Context::from_serialize(c),
            Typed::Index(c) => tera1::Context::from_serialize(c),
            Typed::Section(c) => tera1::Context::from_serialize(c),
            Typed::Author(c) => tera1::Context::from_serialize(c),
        }
        .expect("tera1 from_serialize")
    }

    pub fn tera2(&self) -> tera2::Context {
        match self {
            Typed::Article(c) => tera2::Context::from_serialize(c),
            Typed::Index(c) => tera2::Context::from_serialize(c),
            Typed::Section(c) => tera2::Context::from_serialize(c),
            Typed::Author(c) => tera2::Context::from_serialize(c),
        }
        .expect("tera2 from_serialize")
    }
}
