//! Prometheus rule files, `prometheus/<stem>.rules.yml`, and Thanos' (the same, with the
//! groups' `partial_response_strategy`), `thanos/<stem>.rules.yml`.

use super::rule_files::{self, GroupExtras, RuleFile};
use super::{header, Artifact};
use crate::parallel;
use crate::parse::ast::QueryLanguage;
use crate::resolve::model::Model;

/// The generated rule file of a source file stem, relative to the output directory.
pub(super) fn path(stem: &str) -> String {
    format!("prometheus/{stem}.rules.yml")
}

/// Each rule file goes to `sink` as soon as it is written, so that the files are never all
/// in memory at once.
pub(super) fn emit(model: &Model, sink: &(dyn Fn(Artifact) + Sync)) {
    let files = rule_files::collect(model, QueryLanguage::PromQl);
    if model.targets.prometheus {
        render(&files, path, GroupExtras::default(), sink);
    }
    if let Some(thanos) = &model.targets.thanos {
        let extras = GroupExtras {
            partial_response_strategy: Some(&thanos.partial_response_strategy),
            prometheus_fields: true,
        };
        render(
            &files,
            |stem| format!("thanos/{stem}.rules.yml"),
            extras,
            sink,
        );
    }
}

fn render(
    files: &[RuleFile],
    path: impl Fn(&str) -> String + Sync,
    extras: GroupExtras,
    sink: &(dyn Fn(Artifact) + Sync),
) {
    let extras = GroupExtras {
        prometheus_fields: true,
        ..extras
    };
    parallel::map(files, |(stem, groups)| {
        let mut text = header(&format!("{stem}.wb"));
        rule_files::groups(&mut text, groups, extras);
        sink(Artifact {
            path: path(stem),
            bytes: text.into_bytes(),
        });
    });
}
