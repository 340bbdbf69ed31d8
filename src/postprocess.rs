//! TEMP stub
pub(crate) struct PostOptions<'a> {
    pub base_path: &'a str,
    pub site_origin: Option<&'a str>,
    pub heading_anchors: bool,
}
pub(crate) struct Processed {
    pub html: String,
    pub links: Vec<String>,
}
pub(crate) fn process(html: &str, _opts: &PostOptions) -> anyhow::Result<Processed> {
    let _ = (_opts.base_path, _opts.site_origin, _opts.heading_anchors);
    Ok(Processed { html: html.to_owned(), links: vec![] })
}
