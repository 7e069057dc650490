//! URLs the source writes: receivers' endpoints and the links that dashboards and the
//! runbook show. Only http(s) URLs and paths pass, and credentials stay out of the source.

/// The user info and query of an http(s) URL with a host; `None` when it is not one.
pub(crate) fn parts(value: &str) -> Option<(Option<&str>, Option<&str>)> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))?;
    if value.contains(char::is_whitespace) {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((user, host)) => (Some(user), host),
        None => (None, authority),
    };
    if host.is_empty() {
        return None;
    }
    let query = rest
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or(q));
    Some((userinfo, query))
}

/// Whether a URL carries credentials: user info, or a query parameter named like a secret.
pub(crate) fn has_credentials(value: &str) -> bool {
    let Some((userinfo, query)) = parts(value) else {
        return false;
    };
    let secret_name = |name: &str| {
        let name = name.to_ascii_lowercase();
        [
            "token", "key", "secret", "password", "passwd", "sig", "auth", "code",
        ]
        .iter()
        .any(|s| name.contains(s))
    };
    userinfo.is_some()
        || query.is_some_and(|q| {
            q.split('&')
                .any(|pair| secret_name(pair.split('=').next().unwrap_or(pair)))
        })
}

/// A link a person may click: an http(s) URL, or a path on the same site. `javascript:`,
/// `data:` and every other scheme are refused.
pub(crate) fn is_link(value: &str) -> bool {
    if value.contains(|c: char| c.is_whitespace() || c.is_control()) || value.is_empty() {
        return false;
    }
    if parts(value).is_some() {
        return true;
    }
    let before_slash = value.split(['/', '?', '#']).next().unwrap_or(value);
    !value.starts_with("//") && !before_slash.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_urls() {
        assert!(has_credentials("https://user:pass@hooks.example/x"));
        assert!(has_credentials("https://hooks.example/x?token=abc"));
        assert!(has_credentials("https://hooks.example/x?a=1&api_key=abc"));
        assert!(!has_credentials("https://hooks.example/x?channel=ops"));
        assert!(!has_credentials("http://127.0.0.1:9093/hook"));
    }

    #[test]
    fn links_are_http_or_paths() {
        assert!(is_link("https://runbooks.example/x#a"));
        assert!(is_link("/d/abc?viewPanel=2"));
        assert!(is_link("runbook.md"));
        assert!(!is_link("javascript:alert(1)"));
        assert!(!is_link("JaVaScRiPt:alert(1)"));
        assert!(!is_link("data:text/html,x"));
        assert!(!is_link("//evil.example"));
        assert!(!is_link("https://x y"));
    }
}
