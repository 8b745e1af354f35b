//! A post's Markdown body made into the HTML clients show, once, at write time: pulldown-cmark
//! renders it (raw HTML in the Markdown passes through the renderer), then ammonia keeps only
//! an allow-list of tags and attributes, so no script, style, iframe, event handler or
//! `javascript:`/`data:` URL survives whatever the author wrote. Links get
//! `rel="nofollow noopener"`: the platform vouches for no one's link, and a page it opens gets
//! no handle on the client's window. Also the plain text of a body, for the text filter.

use std::{collections::HashSet, sync::OnceLock};

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{html, Event, Options, Parser, TagEnd};

/// What links and images may point at. Relative URLs mean nothing on a client that shows the
/// post on its own origin, and are dropped.
const URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

fn sanitiser() -> &'static Builder<'static> {
    static SANITISER: OnceLock<Builder<'static>> = OnceLock::new();
    SANITISER.get_or_init(|| {
        let mut builder = Builder::default();
        builder
            .url_schemes(HashSet::from(URL_SCHEMES))
            .url_relative(UrlRelative::Deny)
            .link_rel(Some("nofollow noopener"))
            .strip_comments(true);
        builder
    })
}

/// The sanitised HTML of a Markdown body.
pub fn to_html(markdown: &str) -> String {
    let mut rendered = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut rendered, Parser::new_ext(markdown, options()));
    sanitiser().clean(&rendered).to_string()
}

/// The words of a Markdown body without its markup (raw HTML left out), blocks apart by a
/// line break: what the text filter searches.
pub fn to_plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell) => text.push('\n'),
            _ => {}
        }
    }
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known ways of running script through Markdown and HTML (after OWASP's XSS filter
    /// evasion sheet): each must come out without script, handler or dangerous URL.
    const VECTORS: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"https://ok.example/a.png\" onerror=\"alert(1)\">",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<a href=\"jav\tascript:alert(1)\">x</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
        "<a href=\" JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x]( javascript:alert(1) )",
        "[x](<javascript:alert(1)>)",
        "<javascript:alert(1)>",
        "![x](javascript:alert(1))",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<object data=\"https://evil.example/x.swf\"></object>",
        "<embed src=\"https://evil.example/x.swf\">",
        "<style>body{background:url(javascript:alert(1))}</style>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<p onclick=\"alert(1)\">x</p>",
        "<body onload=alert(1)>",
        "<details open ontoggle=alert(1)>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<form action=\"javascript:alert(1)\"><button>x</button></form>",
        "<input onfocus=alert(1) autofocus>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "<link rel=stylesheet href=\"https://evil.example/x.css\">",
        "<!--<script>alert(1)</script>-->",
        "<img \"\"\"><script>alert(1)</script>\">",
        "<a href=\"https://ok.example\" onmouseover=\"alert(1)\">x</a>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "**bold** <img src=x onerror=alert(1)> [ok](https://ok.example)",
    ];

    /// What must not survive sanitising, looked for in lower case: the dangerous elements, and
    /// inside any tag left (so in its attribute values) a script URL, a data URL, a style or
    /// an event handler. Text between tags is escaped, so `javascript:` there is only words.
    fn dangers(html: &str) -> Vec<&'static str> {
        let lower = html.to_lowercase();
        let mut found = Vec::new();
        for element in [
            "<script", "<style", "<iframe", "<object", "<embed", "<svg", "<math", "<form", "<input", "<meta", "<base",
            "<link",
        ] {
            if lower.contains(element) {
                found.push(element);
            }
        }
        for tag in tags(&lower) {
            for needle in ["javascript:", "vbscript:", "data:", "style="] {
                if tag.contains(needle) && !found.contains(&needle) {
                    found.push(needle);
                }
            }
            let handler = tag
                .split(|c: char| c.is_whitespace() || c == '/')
                .skip(1)
                .any(|attribute| attribute.starts_with("on") && attribute.contains('='));
            if handler && !found.contains(&"on…=") {
                found.push("on…=");
            }
        }
        found
    }

    /// The insides of the tags of `html`, `<` to `>`.
    fn tags(html: &str) -> impl Iterator<Item = &str> {
        html.split('<').skip(1).map(|tag| tag.split('>').next().unwrap_or(""))
    }

    #[test]
    fn no_known_vector_survives() {
        for vector in VECTORS {
            let html = to_html(vector);
            assert!(
                dangers(&html).is_empty(),
                "{vector:?} gave {html:?}: {:?}",
                dangers(&html)
            );
        }
    }

    #[test]
    fn links_get_nofollow_noopener_and_keep_their_target() {
        let html = to_html("See [the platform](https://clustercollaboration.eu) and <a href=\"https://x.example\" rel=\"opener\">x</a>.");
        assert!(html.contains(r#"href="https://clustercollaboration.eu""#), "{html}");
        assert_eq!(html.matches(r#"rel="nofollow noopener""#).count(), 2, "{html}");
        assert!(!html.contains(r#"rel="opener""#), "{html}");
    }

    #[test]
    fn markdown_renders() {
        let html = to_html("# EU Innovation Week\n\n*Taipei*, from **4 June 2018**.\n\n- seminar\n- matchmaking");
        assert!(html.contains("<h1>EU Innovation Week</h1>"), "{html}");
        assert!(html.contains("<em>Taipei</em>"), "{html}");
        assert!(html.contains("<strong>4 June 2018</strong>"), "{html}");
        assert!(html.contains("<li>seminar</li>"), "{html}");
    }

    #[test]
    fn safe_images_and_mail_links_stay() {
        let html = to_html("![logo](https://ok.example/a.png) [mail](mailto:info@example.org)");
        assert!(html.contains(r#"src="https://ok.example/a.png""#), "{html}");
        assert!(html.contains(r#"href="mailto:info@example.org""#), "{html}");
    }

    #[test]
    fn plain_text_has_the_words_without_markup() {
        let text = to_plain_text("# 歐盟創新週\n\nThe **seminar** on <b>5 June</b> [link](https://x.example).");
        assert!(text.contains("歐盟創新週"), "{text}");
        assert!(text.contains("The seminar on"), "{text}");
        assert!(text.contains("5 June"), "{text}");
        assert!(!text.contains("<b>") && !text.contains("https://"), "{text}");
    }
}
