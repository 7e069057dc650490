//! The declarations a source has by the thousand (alerts, SLOs, dashboards), taken out of the
//! syntax trees so that each kind's trees are dropped as soon as the kind is resolved: at a
//! thousand services the trees are a quarter of what resolve holds at its peak.

use super::ParsedFile;
use crate::parse::ast;

#[derive(Default)]
pub(super) struct Large {
    pub alerts: Vec<ast::Alert>,
    pub slos: Vec<ast::Slo>,
    pub dashboards: Vec<ast::Dashboard>,
}

impl Large {
    /// Takes every alert, SLO and dashboard out of `files`, in the order the other kinds are
    /// listed in (file by file; a group's rules right after the group).
    pub(super) fn take(files: &mut [ParsedFile]) -> Large {
        let mut large = Large::default();
        for file in files {
            let declarations = std::mem::take(&mut file.ast.declarations);
            file.ast.declarations = large.take_from(declarations);
        }
        large
    }

    /// `declarations` without the large kinds, which go to `self`.
    fn take_from(&mut self, declarations: Vec<ast::Declaration>) -> Vec<ast::Declaration> {
        let mut rest = Vec::with_capacity(declarations.len());
        for declaration in declarations {
            match declaration {
                ast::Declaration::Alert(a) => self.alerts.push(*a),
                ast::Declaration::Slo(s) => self.slos.push(*s),
                ast::Declaration::Dashboard(d) => self.dashboards.push(*d),
                ast::Declaration::Group(mut g) => {
                    g.rules = self.take_from(std::mem::take(&mut g.rules));
                    rest.push(ast::Declaration::Group(g));
                }
                other => rest.push(other),
            }
        }
        rest
    }
}
