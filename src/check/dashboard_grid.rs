//! Panels must fit Grafana's 24 columns and must not overlap: Grafana would silently move
//! them, and the dashboard would not look like its source.

use super::CheckError;
use crate::resolve::model::{Grid, Model};

const COLUMNS: u32 = 24;

fn overlap(a: Grid, b: Grid) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    // Fanned-out copies share their layout: check each source dashboard once.
    let mut seen = Vec::new();
    for d in &model.dashboards {
        if seen.contains(&&d.name) {
            continue;
        }
        seen.push(&d.name);
        for (i, p) in d.panels.iter().enumerate() {
            if p.grid.x + p.grid.w > COLUMNS {
                errors.push(CheckError::PanelOutsideGrid {
                    panel: p.title.clone(),
                    right: p.grid.x + p.grid.w,
                    span: p.span,
                });
            }
            if let Some(other) = d.panels[..i].iter().find(|o| overlap(o.grid, p.grid)) {
                errors.push(CheckError::PanelsOverlap {
                    panel: p.title.clone(),
                    other: other.title.clone(),
                    span: p.span,
                    other_span: other.span,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_panels_do_not_overlap() {
        let a = Grid {
            x: 0,
            y: 0,
            w: 12,
            h: 8,
        };
        assert!(!overlap(
            a,
            Grid {
                x: 12,
                y: 0,
                w: 12,
                h: 8
            }
        ));
        assert!(!overlap(
            a,
            Grid {
                x: 0,
                y: 8,
                w: 12,
                h: 8
            }
        ));
        assert!(overlap(
            a,
            Grid {
                x: 11,
                y: 7,
                w: 2,
                h: 2
            }
        ));
    }
}
