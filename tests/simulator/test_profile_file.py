"""Profile files and ``--set``: the order they apply in, where each value came from, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.knobs import KNOBS
from simulator.profile_file import EffectiveProfile, ProfileError, load_profile
from simulator.settings import AppSettings
from simulator.template import DEFAULT_TEMPLATE_TEXT

PROFILES = Path(__file__).resolve().parents[2] / "docs" / "profiles"


def _file(folder: Path, text: str, name: str = "profile.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_nothing_is_given() -> None:
    effective = load_profile()
    assert effective == EffectiveProfile()
    assert effective.name == "onelogin" and not effective.origins
    assert all(effective.where(name) == "default" for name in KNOBS)
    assert effective.scim_template().text == DEFAULT_TEMPLATE_TEXT


def test_the_file_then_each_set_in_order(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        'name = "acme"\nuser_agent = "OneLogin SCIM"\n'
        '[app]\ndeletion_action = "Suspend"\ncustom_headers = ["X-Tenant: acme"]\n'
        "[retry]\nretries = 5\n",
    )
    effective = load_profile(path, ["retry.retries=1", "retry.retries=2", "app.approve_create=true"])
    assert effective.name == "acme" and effective.file == path
    assert effective.profile.user_agent == "OneLogin SCIM"
    assert effective.app.deletion_action == "suspend"
    assert effective.app.custom_headers == (("X-Tenant", "acme"),)
    assert effective.profile.retry.retries == 2 and effective.app.approve_create is True
    assert effective.origin("user_agent") == "file"
    assert effective.where("user_agent") == f"profile file {path}"
    assert effective.origin("retry.retries") == "set" and effective.where("retry.retries") == "--set"
    assert effective.where("accept") == "default"
    # the knobs not set keep their defaults, nested ones included
    assert effective.profile.retry.backoff == 1.0 and effective.app.approve_delete is False


def test_dotted_keys_and_tables_mean_the_same(tmp_path: Path) -> None:
    dotted = _file(tmp_path, 'app.deletion_action = "nothing"\nretry.retries = 0\n', "a.toml")
    tables = _file(tmp_path, '[app]\ndeletion_action = "nothing"\n[retry]\nretries = 0\n', "b.toml")
    one, other = load_profile(dotted), load_profile(tables)
    assert (one.app, one.profile) == (other.app, other.profile)


def test_overrides_hand_the_same_profile_to_another_process(tmp_path: Path) -> None:
    template = _file(tmp_path, '{"userName": "{$parameters.scimusername}"}', "t.json")
    effective = load_profile(
        None,
        [
            "app.custom_headers=A: 1\\nB: two words",
            "accepted.create_user=200,201",
            f"template.file={template}",
            "import_page_size=none",
            "put_query=",
        ],
    )
    again = load_profile(None, effective.overrides())
    assert again == effective


def test_app_knobs_apply_over_a_scenarios_own_settings() -> None:
    scenario = AppSettings(approve_create=True, approve_delete=True)
    assert load_profile().app_over(scenario) == scenario
    mine = load_profile(None, ["app.approve_create=false", "app.deletion_action=suspend"])
    assert mine.app_over(scenario) == AppSettings(
        approve_create=False, approve_delete=True, deletion_action="suspend"
    )


def test_a_template_file_is_read_relative_to_the_profile_file(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    text = '{"userName": "{$user.email}", "emails": [{"value": "{$user.email}"}]}'
    _file(tmp_path / "templates", text, "t.json")
    path = _file(tmp_path, '[template]\nfile = "templates/t.json"\nemails = "object"\n')
    template = load_profile(path).scim_template()
    assert template.render({"user.email": "a@b.c"}) == {"userName": "a@b.c", "emails": {"value": "a@b.c"}}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[app\n", "line 1, column 5: not valid TOML (expected ']' at the end of a table declaration)"),
        ('user_agent = "x"\nuser_agent = "y"\n', "line 2, column"),
        ('[app]\ndeletion_action = "remove"\n', "line 2: app.deletion_action: 'remove' is not allowed"),
        ('[app]\ndeletionaction = "suspend"\n', "line 2: app.deletionaction: no such knob; did you mean"),
        ("retries = 3\n", "line 1: retries: no such knob; did you mean retry.retries?"),
        ("[retry]\nretries = 99\n", "retry.retries: '99' is not allowed; it takes a whole number from 0"),
        ("[nonsense]\nx = 1\n", "line 1: nonsense: no such knob"),
        ("name = 5\n", "line 1: name must be a non-empty string"),
        ('[app]\ngroup_name_rule = "{team}"\n', "the group name rule '{team}' may use only {role}"),
        ('[template]\nfile = "missing.json"\n', "template.file: no file"),
    ],
)
def test_a_bad_profile_file_is_one_line_naming_the_file(tmp_path: Path, text: str, says: str) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert message.startswith(f"profile file {path}") and says in message, message
    assert "\n" not in message


def test_a_template_that_does_not_parse_names_its_file(tmp_path: Path) -> None:
    template = _file(tmp_path, '{\n  "userName": "{$user.nickname}"\n}', "t.json")
    with pytest.raises(ProfileError, match=rf"template file {template}: SCIM JSON template line 2: unknown"):
        load_profile(_file(tmp_path, '[template]\nfile = "t.json"\n'))


def test_an_unreadable_profile_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"profile file .*missing.toml: cannot read it \(No such file"):
        load_profile(tmp_path / "missing.toml")
    with pytest.raises(ProfileError, match="cannot read it"):
        load_profile(tmp_path)


@pytest.mark.parametrize(
    ("assignment", "says"),
    [
        ("deletion_action", "--set 'deletion_action': write KNOB=VALUE"),
        ("=x", "write KNOB=VALUE"),
        ("deletion_action=suspend", "--set deletion_action: no such knob; did you mean app.deletion_action"),
        ("app.deletion_action=gone", "--set app.deletion_action: 'gone' is not allowed; it takes one of"),
        ("timeouts.read=0", "--set timeouts.read: '0' is not allowed; it takes a number of at least 0.001"),
    ],
)
def test_a_bad_set_is_one_line(assignment: str, says: str) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile(None, [assignment])
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_template_name_and_file_together_are_refused(tmp_path: Path) -> None:
    template = _file(tmp_path, "{}", "t.json")
    with pytest.raises(ProfileError, match=r"template\.name and template\.file are both set"):
        load_profile(None, ["template.name=onelogin-1.1-enterprise", f"template.file={template}"])


@pytest.mark.parametrize("recipe", sorted(PROFILES.glob("*.toml")), ids=lambda p: p.stem)
def test_every_recipe_loads(recipe: Path) -> None:
    effective = load_profile(recipe)
    assert effective.name == recipe.stem and effective.origins
    effective.scim_template()
