from conftest import exemplar


def test_grid_counts_exemplars_per_cell(make_site, build, page):
    root = make_site({
        "content/exemplars/maker-night.md": exemplar(title="Maker night"),
    })
    grid = page(build(root), "/sample/")
    link = grid.select_one("td#vision-established a")
    assert link.get_text(" ", strip=True).startswith("See it in action (2)")
