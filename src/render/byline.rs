//! `byline_links(byline, authors)`: a byline as printed, without its `□`/`■` marker, with each
//! reporter's name linked to their page, and reporters the byline does not name appended.
//!
//! The default theme's `byline` macro used to do this in Tera (`set_global`, `split`, `slice`,
//! `join` per reporter); on every card and article page that was a visible share of a build.
//! This gives the same HTML, escaped, and notes each link for the link check like `url()`.

use std::collections::HashMap;

use serde_json::Value;

use crate::text::escape_html;

/// The function's result for `args` (`byline`: a string or null, `authors`: a list of
/// `{name, url}`); `url` makes a site path into the link `url(path=…)` would give.
pub(super) fn byline_links(
    args: &HashMap<String, Value>,
    url: &dyn Fn(&str) -> String,
) -> tera::Result<Value> {
    let byline = match args.get("byline") {
        None | Some(Value::Null) => "",
        Some(Value::String(text)) => text.as_str(),
        Some(other) => return Err(wrong("byline", "a string", other)),
    };
    let authors = match args.get("authors") {
        Some(Value::Array(list)) => list.iter().map(author).collect::<tera::Result<Vec<_>>>()?,
        None | Some(Value::Null) => Vec::new(),
        Some(other) => return Err(wrong("authors", "a list", other)),
    };
    let text = byline.trim().trim_start_matches('□').trim_start_matches('■').trim();
    let mut html = String::with_capacity(text.len() * 2 + 64 * authors.len());
    if text.is_empty() {
        for (i, (name, path)) in authors.iter().enumerate() {
            if i > 0 {
                html.push('、');
            }
            push_link(&mut html, name, &url(path));
        }
        return Ok(Value::String(html));
    }
    let mut rest = text;
    let mut missing = Vec::new();
    for &(name, path) in &authors {
        match rest.find(name).filter(|_| !name.is_empty()) {
            Some(at) => {
                html.push_str(&escape_html(&rest[..at]));
                push_link(&mut html, name, &url(path));
                rest = &rest[at + name.len()..];
            }
            None => missing.push((name, path)),
        }
    }
    html.push_str(&escape_html(rest));
    for (name, path) in missing {
        html.push(' ');
        push_link(&mut html, name, &url(path));
    }
    Ok(Value::String(html))
}

/// A reporter's `name` and `url`.
fn author(value: &Value) -> tera::Result<(&str, &str)> {
    let field = |key: &str| {
        value.get(key).and_then(Value::as_str).ok_or_else(|| {
            tera::Error::msg(format!(
                "`byline_links` needs `authors` of {{name, url}} (an article's `authors`), got {value}"
            ))
        })
    };
    Ok((field("name")?, field("url")?))
}

fn wrong(arg: &str, expected: &str, got: &Value) -> tera::Error {
    tera::Error::msg(format!("`byline_links` takes {expected} as `{arg}`, not {got}"))
}

/// `<a href="URL" rel="author">NAME</a>`, escaped.
fn push_link(html: &mut String, name: &str, url: &str) {
    html.push_str("<a href=\"");
    html.push_str(&escape_html(url));
    html.push_str("\" rel=\"author\">");
    html.push_str(&escape_html(name));
    html.push_str("</a>");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `byline` macro as the theme had it before this function, to compare with.
    const TERA_MACRO: &str = r#"{% macro byline(a) -%}
{%- set text = "" -%}
{%- if a.byline -%}{%- set text = a.byline | trim | trim_start_matches(pat="□") | trim_start_matches(pat="■") | trim -%}{%- endif -%}
{%- if text == "" -%}
  {%- for au in a.authors -%}<a href="{{ url(path=au.url) }}" rel="author">{{ au.name }}</a>{% if not loop.last %}、{% endif %}{%- endfor -%}
{%- else -%}
  {%- set_global rest = text -%}
  {%- set_global missing = [] -%}
  {%- for au in a.authors -%}
    {%- if au.name != "" and au.name in rest -%}
      {%- set parts = rest | split(pat=au.name) -%}
      {{ parts | first }}<a href="{{ url(path=au.url) }}" rel="author">{{ au.name }}</a>
      {%- set_global rest = parts | slice(start=1) | join(sep=au.name) -%}
    {%- else -%}
      {%- set_global missing = missing | concat(with=au) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ rest }}
  {%- for au in missing %} <a href="{{ url(path=au.url) }}" rel="author">{{ au.name }}</a>{%- endfor -%}
{%- endif -%}
{%- endmacro byline %}"#;

    fn site_url(path: &str) -> String {
        format!("/news{path}")
    }

    fn tera() -> tera::Tera {
        let mut tera = tera::Tera::default();
        tera.set_escape_fn(escape_html);
        tera.register_function("url", |args: &HashMap<String, Value>| {
            Ok(Value::String(site_url(args["path"].as_str().unwrap_or_default())))
        });
        tera.register_function("byline_links", |args: &HashMap<String, Value>| {
            byline_links(args, &site_url)
        });
        tera.add_raw_templates([
            ("macros.html", TERA_MACRO),
            ("old.html", "{% import \"macros.html\" as m %}{{ m::byline(a=a) }}"),
            ("new.html", "{{ byline_links(byline=a.byline, authors=a.authors) | safe }}"),
        ])
        .unwrap();
        tera
    }

    #[test]
    fn gives_what_the_tera_macro_gave() {
        let tera = tera();
        let au = |name: &str| serde_json::json!({"name": name, "url": format!("/authors/{name}/")});
        let cases = [
            (Value::from("□青岛日报/观海新闻记者 刘佳旋"), vec![au("刘佳旋")]),
            (Value::from("  ■本报记者 王伟 通讯员 李娜 文/图 "), vec![au("李娜"), au("王伟")]),
            (Value::from("本报记者 王伟"), vec![au("王伟"), au("张三"), au("")]),
            (Value::from("记者 王伟、王伟"), vec![au("王伟")]),
            (Value::from("By JANE <DOE> & 'Co'"), vec![au("JANE"), au("A&B")]),
            (Value::from("□"), vec![au("甲"), au("乙")]),
            (Value::Null, vec![au("甲"), au("<乙>")]),
            (Value::from(""), vec![]),
            (Value::from("新华社北京5月25日电"), vec![]),
        ];
        for (byline, authors) in cases {
            let mut context = tera::Context::new();
            context.insert("a", &serde_json::json!({"byline": byline, "authors": authors}));
            let old = tera.render("old.html", &context).unwrap();
            let new = tera.render("new.html", &context).unwrap();
            assert_eq!(new, old, "byline {byline}");
        }
    }

    #[test]
    fn a_malformed_author_is_an_error_not_a_panic() {
        let mut args = HashMap::new();
        args.insert("byline".to_owned(), Value::from("x"));
        args.insert("authors".to_owned(), serde_json::json!([{"name": "x"}]));
        assert!(byline_links(&args, &site_url).is_err());
        args.insert("authors".to_owned(), Value::from(3));
        assert!(byline_links(&args, &site_url).is_err());
    }
}
