//! GraphiQL served by the server itself: the page, its script and GraphiQL's browser build from
//! `graphiql/` (pinned by its npm lock file, installed by `build.rs`), so that it works offline.

use std::sync::LazyLock;

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

/// Where the assets are served; each name carries a hash of its content, so they can be cached
/// for a year and a new build is never mixed with an old one.
pub const ASSETS_PATH: &str = "/graphiql/assets";

/// Only what the page loads: no script or style from elsewhere and none inline, fetches to this
/// origin only. GraphiQL's fonts are `data:` URLs in its CSS; the styles it sets itself go
/// through the DOM, which `style-src` allows (the browser test fails on any violation).
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     font-src 'self' data:; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// One served file.
struct Asset {
    /// Its name under [`ASSETS_PATH`], with the content's hash.
    name: String,
    content_type: &'static str,
    body: &'static [u8],
    /// The same, gzipped by `build.rs`; None for the page's own small files, which the
    /// compression middleware handles.
    gzipped: Option<&'static [u8]>,
}

/// A file of the npm project and its gzipped copy in OUT_DIR (`build.rs` makes both).
macro_rules! npm_file {
    ($dir:literal, $file:literal) => {
        (
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/graphiql/node_modules/",
                $dir,
                "/",
                $file
            ))
            .as_slice(),
            Some(include_bytes!(concat!(env!("OUT_DIR"), "/", $file, ".gz")).as_slice()),
        )
    };
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The page's files, in the order the page loads them (React before GraphiQL, the page last).
static ASSETS: LazyLock<[Asset; 6]> = LazyLock::new(|| {
    [
        asset("react", "js", JS, npm_file!("react/umd", "react.production.min.js")),
        asset(
            "react-dom",
            "js",
            JS,
            npm_file!("react-dom/umd", "react-dom.production.min.js"),
        ),
        asset("graphiql", "js", JS, npm_file!("graphiql", "graphiql.min.js")),
        asset("graphiql", "css", CSS, npm_file!("graphiql", "graphiql.min.css")),
        asset("page", "js", JS, (include_bytes!("../../graphiql/page.js"), None)),
        asset("page", "css", CSS, (include_bytes!("../../graphiql/page.css"), None)),
    ]
});

fn asset(
    stem: &str,
    extension: &str,
    content_type: &'static str,
    (body, gzipped): (&'static [u8], Option<&'static [u8]>),
) -> Asset {
    let hash = hex::encode(&Sha256::digest(body)[..8]);
    Asset {
        name: format!("{stem}.{hash}.{extension}"),
        content_type,
        body,
        gzipped,
    }
}

fn url(asset: &Asset) -> String {
    format!("{ASSETS_PATH}/{}", asset.name)
}

/// The page: GraphiQL and a sign-in form; everything it runs is in the files it links to.
static PAGE: LazyLock<String> = LazyLock::new(|| {
    let mut head = String::new();
    for asset in ASSETS.iter() {
        let line = if asset.content_type == CSS {
            format!("<link rel=\"stylesheet\" href=\"{}\">\n", url(asset))
        } else {
            format!("<script src=\"{}\" defer></script>\n", url(asset))
        };
        head.push_str(&line);
    }
    // A JSON data block is not run, so the strict policy allows it; `<` cannot end it early.
    let example = serde_json::to_string(crate::app::EXAMPLE_QUERY)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>clusterbridge GraphiQL</title>
{head}<script type="application/json" id="defaultQuery">{example}</script>
</head>
<body>
<form id="sign-in" autocomplete="on">
  <strong>clusterbridge</strong>
  <span id="session">Not signed in: queries run anonymously.</span>
  <input id="email" name="email" type="email" placeholder="e-mail" autocomplete="username" required>
  <input id="password" name="password" type="password" placeholder="password" autocomplete="current-password" required>
  <button id="sign-in-button" type="submit">Sign in</button>
  <button id="sign-out-button" type="button" hidden>Sign out</button>
</form>
<div id="graphiql">Loading GraphiQL…</div>
</body>
</html>
"#
    )
});

/// `GET /`: the same static page for everyone; what a query may see is decided per request by
/// the token the page sends, as for any other client.
pub async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_SECURITY_POLICY, POLICY))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(PAGE.as_str())
}

/// `GET /graphiql/assets/{name}`: one of the page's files, cached for a year; GraphiQL's own
/// gzipped as built, or as it is (never compressed per request).
pub async fn file(name: web::Path<String>, http: HttpRequest) -> HttpResponse {
    let Some(asset) = ASSETS.iter().find(|asset| asset.name == *name) else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such file");
    };
    let mut response = HttpResponse::Ok();
    response
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((header::VARY, "Accept-Encoding"));
    match asset.gzipped {
        Some(gzipped) if accepts_gzip(&http) => {
            response.insert_header((header::CONTENT_ENCODING, "gzip")).body(gzipped)
        }
        // `observe::unmark` takes this off again outside the compression middleware.
        Some(_) => response
            .insert_header((header::CONTENT_ENCODING, "identity"))
            .body(asset.body),
        None => response.body(asset.body),
    }
}

fn accepts_gzip(http: &HttpRequest) -> bool {
    http.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let named = parts.next().is_some_and(|name| name.eq_ignore_ascii_case("gzip"));
            // `gzip;q=0` refuses it.
            named && !parts.any(|p| p.replace(' ', "").eq_ignore_ascii_case("q=0"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_links_every_asset_by_its_hashed_name() {
        for asset in ASSETS.iter() {
            assert!(PAGE.contains(&url(asset)), "{} linked", asset.name);
            assert!(!asset.body.is_empty());
        }
        assert!(!PAGE.contains("https://"), "nothing from elsewhere");
    }
}
