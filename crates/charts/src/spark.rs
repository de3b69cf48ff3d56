//! Sparklines: a KPI's trend as a tiny SVG line with no axes or text, for the Overview's
//! cards. The SVG holds only numbers, so it needs no escaping.

use std::fmt::Write;

/// Line colour (the charts' first palette colour).
const STROKE: &str = "#0072B2";

/// The trend as an SVG of `width` × `height` pixels: one line per run of known values, scaled
/// to the values' range (a flat line in the middle when they are all equal), and a dot on the
/// last known value. Empty (no line) when no value is known.
pub fn sparkline_svg(values: &[Option<f64>], width: u32, height: u32) -> String {
    let (w, h) = (f64::from(width.max(8)), f64::from(height.max(8)));
    let pad = 3.0;
    let known = || values.iter().flatten().copied().filter(|v| v.is_finite());
    let lo = known().fold(f64::INFINITY, f64::min);
    let hi = known().fold(f64::NEG_INFINITY, f64::max);
    let n = values.len().max(2) - 1;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / n as f64;
    let y = |v: f64| {
        if hi > lo {
            h - pad - (h - 2.0 * pad) * (v - lo) / (hi - lo)
        } else {
            h / 2.0
        }
    };
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {w} {h}">"#
    );
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut last = None;
    let flush = |run: &mut Vec<(f64, f64)>, out: &mut String| {
        if run.len() > 1 {
            let points: Vec<String> = run.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
            let _ = write!(
                out,
                r#"<polyline fill="none" stroke="{STROKE}" stroke-width="2" stroke-linejoin="round" points="{}"/>"#,
                points.join(" ")
            );
        }
        run.clear();
    };
    for (i, v) in values.iter().enumerate() {
        match v.filter(|v| v.is_finite()) {
            Some(v) => {
                run.push((x(i), y(v)));
                last = Some((x(i), y(v)));
            }
            None => flush(&mut run, &mut out),
        }
    }
    flush(&mut run, &mut out);
    if let Some((a, b)) = last {
        let _ = write!(
            out,
            r#"<circle cx="{a:.1}" cy="{b:.1}" r="2.5" fill="{STROKE}"/>"#
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn a_sparkline_scales_to_its_range_and_breaks_at_gaps() {
        let svg = sparkline_svg(
            &[Some(0.0), Some(10.0), None, Some(5.0), Some(5.0)],
            100,
            26,
        );
        expect_test::expect![[r##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="26" viewBox="0 0 100 26"><polyline fill="none" stroke="#0072B2" stroke-width="2" stroke-linejoin="round" points="3.0,23.0 26.5,3.0"/><polyline fill="none" stroke="#0072B2" stroke-width="2" stroke-linejoin="round" points="73.5,13.0 97.0,13.0"/><circle cx="97.0" cy="13.0" r="2.5" fill="#0072B2"/></svg>"##]]
        .assert_eq(&svg);
        let flat = sparkline_svg(&[Some(2.0), Some(2.0)], 50, 20);
        assert!(flat.contains("points=\"3.0,10.0 47.0,10.0\""), "{flat}");
        let none = sparkline_svg(&[None, None], 50, 20);
        assert!(!none.contains("polyline") && !none.contains("circle"));
    }
}
