"""Every route of the project, for every role: the expected outcome of a GET.

A route without an entry here fails ``test_every_route_is_in_the_matrix``, so a new page
cannot ship without someone deciding who may open it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from portal.models import Body, User

COUNTY = "orebro-lan-2021-2026"
ROLES = [
    "anonymous",
    "samordnare",
    "styrgrupp",
    "strategigrupp",
    "rad",
    "insatsledare-digital-infrastruktur",
    "kontakt-kumla",
]
LOGIN = "login"  # a redirect to the sign-in page


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome, anonymous):
    return {**everyone(outcome), "anonymous": anonymous}


LEAD = "insatsledare-digital-infrastruktur"
GOVERNING = ["styrgrupp", "strategigrupp", "rad"]


def workers(outcome, *, coordinator=None, lead=None, governing=None, outsider=404):
    """A page of the plan workspace: the outsider (kontakt-kumla) does not learn that the
    plan exists, anonymous visitors are sent to sign in."""
    outcomes = {
        "anonymous": LOGIN,
        "samordnare": coordinator if coordinator is not None else outcome,
        LEAD: lead if lead is not None else outcome,
        "kontakt-kumla": outsider,
    }
    for role in GOVERNING:
        outcomes[role] = governing if governing is not None else outcome
    return outcomes


def consulted(coordinator, steering, contact):
    """A page of a consultation: its strategy's coordinators and steering group, the
    contact of an organisation asked (kontakt-kumla); the others do not learn of it."""
    return {
        **signed_in(404, anonymous=LOGIN),
        "samordnare": coordinator,
        "styrgrupp": steering,
        "kontakt-kumla": contact,
    }


POST = "post"
#: Requests to the API with the role's own key (one that may enter indicator values).
API_GET, API_POST = "api-get", "api-post"


def keepers(outcome, **others):
    """A page for those who keep a body's meetings: the coordinators, and whoever else is
    named; every other signed-in role is refused (the meetings are public, so 403)."""
    return {**signed_in(403, anonymous=LOGIN), "samordnare": outcome, **others}


def coordinators(outcome):
    """A page for the strategy's coordinators (its indicators): every other signed-in role
    is refused (the strategy is public, so 403)."""
    return {**signed_in(403, anonymous=LOGIN), "samordnare": outcome}


def member_managers(outcome):
    """A body's member tools: staff and the programme's coordinators (samordnare is both);
    every other signed-in role, the body's own members included, is refused (the body and
    its members are public, so 403)."""
    return {**signed_in(403, anonymous=LOGIN), "samordnare": outcome}


# route name -> list of (path, {role: expected outcome})
MATRIX = {
    "start": [("/", everyone(200))],
    "home": [("/hem/", signed_in(200, anonymous=LOGIN))],
    "healthz": [("/healthz", everyone(200))],
    "accessibility": [("/tillganglighet/", everyone(200))],
    "favicon": [("/favicon.ico", everyone(301))],
    "login": [("/accounts/login/", signed_in(302, anonymous=200))],
    "account_login": [("/accounts/login/", signed_in(302, anonymous=200))],
    "logout": [("/accounts/logout/", everyone(405))],  # signing out is a POST
    # Signing in through one's organisation: the chooser posts; an unknown provider is a 404.
    "sign_in_organisation": [("/accounts/login/organisation/", everyone(405))],
    "openid_connect_login": [("/accounts/oidc/no-such-provider/login/", everyone(404))],
    "openid_connect_callback": [("/accounts/oidc/no-such-provider/login/callback/", everyone(404))],
    # SAML: the ACS keeps the IdP's post for its finish, which finds no such provider.
    "saml_acs": [("/accounts/saml/no-such-provider/acs/", everyone(302))],
    "saml_finish_acs": [("/accounts/saml/no-such-provider/acs/finish/", everyone(404))],
    "saml_sls": [("/accounts/saml/no-such-provider/sls/", everyone(404))],
    "saml_metadata": [("/accounts/saml/no-such-provider/metadata/", everyone(404))],
    "saml_login": [("/accounts/saml/no-such-provider/login/", everyone(404))],
    "socialaccount_login_cancelled": [("/accounts/3rdparty/login/cancelled/", everyone(200))],
    "socialaccount_login_error": [("/accounts/3rdparty/login/error/", everyone(401))],
    # Confirming one's password, and the second factor: one's own, so any signed-in role.
    "account_reauthenticate": [("/accounts/reauthenticate/", signed_in(200, anonymous=LOGIN))],
    "mfa_index": [("/accounts/2fa/", signed_in(200, anonymous=LOGIN))],
    "mfa_authenticate": [("/accounts/2fa/authenticate/", everyone(302))],
    "mfa_reauthenticate": [("/accounts/2fa/reauthenticate/", signed_in(302, anonymous=LOGIN))],
    "mfa_activate_totp": [("/accounts/2fa/totp/activate/", signed_in(302, anonymous=LOGIN))],
    "mfa_deactivate_totp": [("/accounts/2fa/totp/deactivate/", signed_in(404, anonymous=LOGIN))],
    "mfa_list_webauthn": [("/accounts/2fa/webauthn/", signed_in(200, anonymous=LOGIN))],
    "mfa_add_webauthn": [("/accounts/2fa/webauthn/add/", signed_in(302, anonymous=LOGIN))],
    "mfa_reauthenticate_webauthn": [
        ("/accounts/2fa/webauthn/reauthenticate/", signed_in(302, anonymous=LOGIN))
    ],
    # Changing a key asks first to confirm it is you (the matrix's sessions are not fresh).
    "mfa_remove_webauthn": [
        ("/accounts/2fa/webauthn/keys/999999/remove/", signed_in(302, anonymous=LOGIN))
    ],
    "mfa_edit_webauthn": [
        ("/accounts/2fa/webauthn/keys/999999/edit/", signed_in(302, anonymous=LOGIN))
    ],
    "mfa_view_recovery_codes": [("/accounts/2fa/recovery-codes/", signed_in(404, anonymous=LOGIN))],
    "mfa_generate_recovery_codes": [
        ("/accounts/2fa/recovery-codes/generate/", signed_in(302, anonymous=LOGIN))
    ],
    "mfa_download_recovery_codes": [
        ("/accounts/2fa/recovery-codes/download/", signed_in(404, anonymous=LOGIN))
    ],
    # The switcher POSTs; a GET only redirects back and changes nothing (Django).
    "set_language": [("/i18n/setlang/", everyone(302))],
    # Bodies: members, meetings and public decisions are public; draft minutes and
    # non-public decisions show to members only (tests/test_body_views.py).
    "body_detail": [
        ("/organ/programstyrgruppen/", everyone(200)),
        ("/organ/finns-inte/", everyone(404)),
    ],
    "body_calendar": [("/organ/programstyrgruppen/kalender.ics", everyone(200))],
    # A body's members, on its page (tests/test_body_member_views.py). The matrix's post
    # names no person: the form comes back with its error. {membership} is strategigrupp's.
    "body_member_search": [
        ("/organ/programstyrgruppen/medlemmar/sok/?q=demo", member_managers(200)),
        ("/organ/finns-inte/medlemmar/sok/?q=demo", signed_in(404, anonymous=LOGIN)),
    ],
    "body_member_add": [("/organ/programstyrgruppen/medlemmar/ny/", member_managers(200), POST)],
    "body_member_end": [
        ("/organ/strategigruppen/medlemmar/{membership}/avsluta/", member_managers(302), POST),
        ("/organ/programstyrgruppen/medlemmar/{membership}/avsluta/", member_managers(404), POST),
    ],
    # A meeting's page is public (draft minutes to members, tests/test_meeting_views.py);
    # the body's chair and secretary and the coordinators keep it. {meeting} is the steering
    # group's; rad chairs the council, so keeps the council's meetings only.
    "meeting_detail": [
        ("/organ/programstyrgruppen/moten/{meeting}/", everyone(200)),
        ("/organ/strategigruppen/moten/{meeting}/", everyone(404)),
    ],
    "meeting_create": [
        ("/organ/programstyrgruppen/moten/nytt/", keepers(200)),
        ("/organ/digitaliseringsradet/moten/nytt/", keepers(200, rad=200)),
    ],
    "meeting_edit": [("/organ/programstyrgruppen/moten/{meeting}/andra/", keepers(200))],
    "meeting_delete": [("/organ/programstyrgruppen/moten/{meeting}/ta-bort/", keepers(302), POST)],
    # The matrix's post has neither an item nor a title: the form comes back with its error.
    "meeting_agenda": [
        ("/organ/programstyrgruppen/moten/{meeting}/dagordning/", keepers(200), POST)
    ],
    # {item} is the meeting's one agenda item.
    "meeting_agenda_item_move": [
        (
            "/organ/programstyrgruppen/moten/{meeting}/dagordning/{item}/flytta/",
            keepers(302),
            POST,
        )
    ],
    "meeting_agenda_item_remove": [
        (
            "/organ/programstyrgruppen/moten/{meeting}/dagordning/{item}/ta-bort/",
            keepers(302),
            POST,
        )
    ],
    "meeting_decision": [("/organ/programstyrgruppen/moten/{meeting}/beslut/", keepers(200), POST)],
    "decision_register": [("/beslut/?organ=programstyrgruppen&ar=2026", everyone(200))],
    "strategy:list": [("/strategier/", everyone(200))],
    "strategy:detail": [
        (f"/strategier/{COUNTY}/", everyone(200)),
        ("/strategier/finns-inte/", everyone(404)),
    ],
    "strategy:collaboration_areas": [(f"/strategier/{COUNTY}/samverkansomraden/", everyone(200))],
    "strategy:focus_area": [
        (f"/strategier/{COUNTY}/digital-ledning/", everyone(200)),
        # A focus area is only found under its own strategy.
        ("/strategier/region-orebro-program-2021-2026/digital-ledning/", everyone(404)),
    ],
    # A strategy's indicators, for its coordinators; {indicator} is the county strategy's.
    "strategy:indicator_list": [(f"/strategier/{COUNTY}/indikatorer/", coordinators(200))],
    "strategy:indicator_create": [(f"/strategier/{COUNTY}/indikatorer/ny/", coordinators(200))],
    "strategy:indicator_edit": [
        (f"/strategier/{COUNTY}/indikatorer/{{indicator}}/", coordinators(200)),
        # An indicator is only found under its own strategy.
        (
            "/strategier/region-orebro-program-2021-2026/indikatorer/{indicator}/",
            signed_in(404, anonymous=LOGIN),
        ),
    ],
    "strategy:indicator_targets": [
        (f"/strategier/{COUNTY}/indikatorer/{{indicator}}/mal/", coordinators(200)),
    ],
    # The strategy editor, for the strategy's coordinators. The county strategy is in force,
    # so the editor is read only: a post is refused with a message and a redirect (302), and
    # the matrix's post has no title. {focus_area} is one of the county strategy's.
    "strategy:new": [("/strategier/ny/", coordinators(200))],
    "strategy:editor": [(f"/strategier/{COUNTY}/redigera/", coordinators(200))],
    "strategy:fields_edit": [(f"/strategier/{COUNTY}/redigera/uppgifter/", coordinators(200))],
    "strategy:node_edit": [
        (f"/strategier/{COUNTY}/redigera/fokusomraden/{{focus_area}}/", coordinators(200)),
        # A kind of row the editor does not know.
        (f"/strategier/{COUNTY}/redigera/finns-inte/{{focus_area}}/", coordinators(404)),
    ],
    "strategy:node_create": [
        (f"/strategier/{COUNTY}/redigera/fokusomraden/ny/", coordinators(302), POST)
    ],
    "strategy:node_move": [
        (
            f"/strategier/{COUNTY}/redigera/fokusomraden/{{focus_area}}/flytta/",
            coordinators(302),
            POST,
        )
    ],
    "strategy:node_remove": [
        (
            f"/strategier/{COUNTY}/redigera/fokusomraden/{{focus_area}}/ta-bort/",
            coordinators(302),
            POST,
        )
    ],
    # A decided strategy changes through a revision: the coordinators start one.
    "strategy:revise": [(f"/strategier/{COUNTY}/revidera/", coordinators(302), POST)],
    # The steering group decides a strategy at a meeting; the county strategy is in force, so
    # its decision page says it awaits none and the post goes back to the strategy's page.
    "strategy:decide": [
        (f"/strategier/{COUNTY}/beslut/", {**coordinators(403), "styrgrupp": 200}),
        (f"/strategier/{COUNTY}/beslut/", {**coordinators(403), "styrgrupp": 302}, POST),
    ],
    # Ending the strategy is the steering group's step; its coordinators are refused it.
    "strategy:transition": [
        (f"/strategier/{COUNTY}/steg/end/", {**coordinators(403), "styrgrupp": 302}, POST),
        (f"/strategier/{COUNTY}/steg/finns-inte/", {**coordinators(404), "styrgrupp": 404}, POST),
    ],
    # The county strategy's consultation (made in _objects) went to Kumla, which answered:
    # its insiders (coordinators, steering group) read the compilation, Kumla's contact
    # answers but does not read it, others do not learn of it (404). The county strategy is
    # in force, so the send page sends its coordinator back to the editor with a message.
    "strategy:consultation_send": [(f"/strategier/{COUNTY}/remiss/skicka/", coordinators(302))],
    "strategy:consultation_compilation": [
        (f"/strategier/{COUNTY}/remiss/{{consultation}}/", consulted(200, 200, 403)),
        # A consultation is only found under its own strategy.
        (
            "/strategier/region-orebro-program-2021-2026/remiss/{consultation}/",
            signed_in(404, anonymous=LOGIN),
        ),
    ],
    "strategy:consultation_answer": [
        (f"/strategier/{COUNTY}/remiss/{{consultation}}/svar/", consulted(403, 403, 200)),
    ],
    # A late answer is entered by the coordinators after the last day while the strategy is
    # on consultation or in revision; the county strategy is in force, so its coordinator is
    # sent back to the compilation with a message.
    "strategy:consultation_answer_enter": [
        (
            f"/strategier/{COUNTY}/remiss/{{consultation}}/mottagare/{{consultation_recipient}}/svar/",
            consulted(302, 403, 403),
        ),
        (
            f"/strategier/{COUNTY}/remiss/{{consultation}}/mottagare/{{consultation_recipient}}/svar/",
            consulted(302, 403, 403),
            POST,
        ),
    ],
    # The matrix's post has no version: the coordinator's note is refused with a message.
    "strategy:consultation_note": [
        (
            f"/strategier/{COUNTY}/remiss/{{consultation}}/svar/{{consultation_answer}}/hantering/",
            consulted(302, 403, 403),
            POST,
        ),
    ],
    "strategy:consultation_export": [
        (f"/strategier/{COUNTY}/remiss/{{consultation}}/excel/", consulted(200, 200, 403)),
    ],
    # The same readers as the Excel export; the PDF is made while they wait.
    "strategy:consultation_pdf": [
        (f"/strategier/{COUNTY}/remiss/{{consultation}}/pdf/", consulted(200, 200, 403)),
    ],
    # The matrix's post has no year: the coordinator gets the form back with its error.
    "followup:indicator_values": [
        (f"/strategier/{COUNTY}/indikatorer/{{indicator}}/varden/", coordinators(200)),
        (f"/strategier/{COUNTY}/indikatorer/{{indicator}}/varden/", coordinators(200), POST),
    ],
    # The matrix's post names no KPI: the (absent) link stays as it is, back to the values.
    "followup:indicator_kolada": [
        (f"/strategier/{COUNTY}/indikatorer/{{indicator}}/kolada/", coordinators(302), POST),
    ],
    "actionplans:list": [("/handlingsplaner/", everyone(200))],
    # Everyone may search; what each finds is tested in test_actionplans_selectors_search.py.
    "actionplans:search": [("/handlingsplaner/sok/?q=digital", everyone(200))],
    "actionplans:detail": [
        (f"/handlingsplaner/{COUNTY}/2023/", everyone(200)),
        # The 2024 plan is a draft: not public; its editors use the workspace.
        (f"/handlingsplaner/{COUNTY}/2024/", everyone(404)),
    ],
    # The workspace. {draft} is the 2024 draft, {published} the 2023 plan; {project} the
    # draft's project (overall level: coordinators only), {infra} a 2023 activity of the
    # lead's own area, {version} the project's first history row.
    "actionplans:workspace_list": [("/planarbete/", signed_in(200, anonymous=LOGIN))],
    "actionplans:workspace": [
        ("/planarbete/{draft}/", workers(200)),
        ("/planarbete/{published}/", workers(200)),
        ("/planarbete/999999/", {**workers(404), "anonymous": LOGIN}),
    ],
    "actionplans:activity_create": [
        ("/planarbete/{draft}/ny-aktivitet/", workers(403, coordinator=200, lead=200)),
        # Locked once published: back to the plan with a message.
        ("/planarbete/{published}/ny-aktivitet/", workers(403, coordinator=302, lead=302)),
    ],
    "actionplans:plan_transition": [
        ("/planarbete/{draft}/steg/submit/", workers(403, coordinator=302), POST),
        # The steering group may approve, but not a draft: back with a message.
        ("/planarbete/{draft}/steg/approve/", {**workers(403), "styrgrupp": 302}, POST),
    ],
    "actionplans:plan_comment": [
        ("/planarbete/{draft}/kommentar/", workers(302, lead=403), POST),
    ],
    "actionplans:plan_revise": [
        ("/planarbete/{published}/revidera/", workers(403, coordinator=302), POST),
    ],
    "actionplans:plan_rollover": [
        ("/planarbete/{draft}/nasta-ar/", workers(403, coordinator=200)),
    ],
    # Into the strategy that follows: the demo's 2024 plan has none (the county strategy
    # runs to 2026), so the page is not there for anyone who may see the plan.
    "actionplans:plan_carry_over": [
        ("/planarbete/{draft}/ny-strategi/", workers(404)),
    ],
    "actionplans:plan_export": [("/planarbete/{draft}/export.xlsx", workers(200))],
    "actionplans:public_export": [
        (f"/handlingsplaner/{COUNTY}/2023/export.csv", everyone(200)),
        (f"/handlingsplaner/{COUNTY}/2024/export.csv", everyone(404)),
    ],
    # Open data: the DCAT-AP-SE catalogue and its files are public; a draft has none.
    "actionplans:dcat": [("/datasets/dcat", everyone(200))],
    "actionplans:dataset_plan": [
        (f"/datasets/plans/{COUNTY}/2023.csv", everyone(200)),
        (f"/datasets/plans/{COUNTY}/2023.json", everyone(200)),
        (f"/datasets/plans/{COUNTY}/2024.csv", everyone(404)),
    ],
    "actionplans:dataset_strategy": [
        (f"/datasets/strategies/{COUNTY}.csv", everyone(200)),
        (f"/datasets/strategies/{COUNTY}.json", everyone(200)),
    ],
    "actionplans:import_upload": [
        ("/planarbete/{draft}/importera/", workers(403, coordinator=200, lead=200)),
    ],
    # {upload} is an import uploaded by samordnare: only the uploader and the plan's
    # editors see it; only the uploader saves, checks again or removes it.
    "actionplans:import_detail": [("/importer/{upload}/", workers(404, coordinator=200))],
    "actionplans:import_apply": [
        ("/importer/{upload}/spara/", workers(404, coordinator=302), POST),
    ],
    "actionplans:import_recheck": [
        ("/importer/{upload}/kontrollera/", workers(404, coordinator=302), POST),
    ],
    "actionplans:import_remove": [
        ("/importer/{upload}/ta-bort/", workers(404, coordinator=302), POST),
    ],
    # {offer} went to Kumla only, {nora_offer} to Nora only (both on the 2023 plan).
    "actionplans:offer_create": [
        ("/planarbete/{published}/nytt-erbjudande/", workers(403, coordinator=200)),
    ],
    "actionplans:offer_detail": [
        ("/erbjudanden/{offer}/", {**workers(200), "kontakt-kumla": 200}),
        ("/erbjudanden/{nora_offer}/", workers(200)),
    ],
    "actionplans:offer_answer": [
        # The coordinator picks the organisation on the offer page; a contact answers for
        # their own; nobody else answers.
        ("/erbjudanden/{offer}/svara/", {**workers(403, coordinator=302), "kontakt-kumla": 200}),
        ("/erbjudanden/{nora_offer}/svara/", workers(403, coordinator=302), POST),
    ],
    "actionplans:offer_export": [
        ("/erbjudanden/{offer}/export.xlsx", {**workers(200), "kontakt-kumla": 200}),
    ],
    "actionplans:organisation_commitments": [
        ("/organisationer/kumla-kommun/atagande/", everyone(200)),
        ("/organisationer/finns-inte/atagande/", everyone(404)),
    ],
    "actionplans:activity_card": [("/aktiviteter/{project}/", workers(302))],
    "actionplans:activity_edit": [
        ("/aktiviteter/{project}/andra/", workers(403, coordinator=200)),
        # The lead's own area, but the plan is published: locked, back to the plan.
        ("/aktiviteter/{infra}/andra/", workers(403, coordinator=302, lead=302)),
    ],
    "actionplans:activity_move": [
        ("/aktiviteter/{project}/flytta/", workers(403, coordinator=302), POST),
    ],
    "actionplans:activity_remove": [
        ("/aktiviteter/{project}/ta-bort/", workers(403, coordinator=302), POST),
    ],
    "actionplans:activity_restore": [
        ("/aktiviteter/{project}/aterstall/", workers(403, coordinator=302), POST),
    ],
    "actionplans:activity_history": [
        ("/aktiviteter/{project}/historik/", workers(200)),
        ("/aktiviteter/{infra}/historik/", workers(200)),
    ],
    "actionplans:activity_revert": [
        (
            "/aktiviteter/{project}/historik/{version}/aterstall/",
            workers(403, coordinator=302),
            POST,
        ),
    ],
    # Follow-up of the 2023 plan. {round} is open; {infra_report} is the report of an
    # activity in the lead's own area, {other_report} one in another area; {pdf} a finished
    # report version awaiting review.
    # Public: anonymous readers see the approved rounds of published plans, those who work
    # on the programme the rounds under way too (test_followup_dashboard.py).
    "followup:dashboard": [(f"/strategier/{COUNTY}/uppfoljning/oversikt/", everyone(200))],
    "followup:plan_rounds": [("/planarbete/{published}/uppfoljning/", workers(200))],
    "followup:round": [("/uppfoljning/{round}/", workers(200))],
    # The matrix's post has no action (the button's value): the coordinator gets a 400.
    "followup:round_state": [
        ("/uppfoljning/{round}/status/", workers(403, coordinator=400), POST),
    ],
    "followup:pdf_report_request": [
        ("/uppfoljning/{round}/ny-rapport/", workers(403, coordinator=302), POST),
    ],
    "followup:report": [
        ("/uppfoljning/rapport/{infra_report}/", workers(200)),
        # Leads fill their own area's reports; a post to another area's is refused before
        # the form is read (the coordinator's invalid post shows the form again).
        ("/uppfoljning/rapport/{infra_report}/", workers(403, coordinator=200, lead=200), POST),
        ("/uppfoljning/rapport/{other_report}/", workers(403, coordinator=200), POST),
    ],
    "followup:report_reopen": [
        ("/uppfoljning/rapport/{infra_report}/oppna-igen/", workers(403, coordinator=302), POST),
    ],
    "followup:pdf_report": [
        ("/uppfoljning/pdf/{pdf}/", workers(200)),
        # The page only shows: its forms post to the routes below.
        ("/uppfoljning/pdf/{pdf}/", {**workers(405), "kontakt-kumla": 405}, POST),
    ],
    # The matrix posts a comment: those who may comment add it.
    "followup:pdf_report_comment": [
        ("/uppfoljning/pdf/{pdf}/kommentera/", workers(302, lead=403), POST),
    ],
    # The steering group reviews; the matrix's post has no decision, so the page comes back
    # with the form's error.
    "followup:pdf_report_review": [
        ("/uppfoljning/pdf/{pdf}/granska/", {**workers(403), "styrgrupp": 200}, POST),
    ],
    # Coordinators build a failed version again; {pdf} is finished, so nothing is queued.
    "followup:pdf_report_retry": [
        ("/uppfoljning/pdf/{pdf}/forsok-igen/", workers(403, coordinator=302), POST),
    ],
    "followup:pdf_report_file": [("/uppfoljning/pdf/{pdf}/fil/", workers(200))],
    # Initiatives: anyone signed in from a collaborating organisation submits; {initiative}
    # was submitted by kontakt-laxa, so the lead and kontakt-kumla do not see it.
    "actionplans:initiative_list": [("/initiativ/", signed_in(200, anonymous=LOGIN))],
    "actionplans:initiative_create": [("/initiativ/nytt/", signed_in(200, anonymous=LOGIN))],
    "actionplans:initiative": [("/initiativ/{initiative}/", workers(200, lead=404))],
    # Each step posts to its own view. The matrix posts a comment: those who prepare or
    # decide add it (this was the page's own post before each step had its view).
    "actionplans:initiative_comment": [
        ("/initiativ/{initiative}/kommentar/", workers(302, lead=404), POST),
    ],
    # The other steps' forms are not filled in by the matrix's post: those the role allows
    # get the page back with the form's errors (200), the others are refused before it.
    # Those who prepare (styrgrupp too: it comments) assign and put it on the agenda; only
    # the preparer scores, and {initiative} has none yet; only the steering group decides.
    "actionplans:initiative_assign": [
        ("/initiativ/{initiative}/tilldela/", workers(200, lead=404), POST),
    ],
    "actionplans:initiative_score": [
        ("/initiativ/{initiative}/bedom/", workers(403, lead=404), POST),
    ],
    "actionplans:initiative_to_agenda": [
        ("/initiativ/{initiative}/dagordning/", workers(200, lead=404), POST),
    ],
    "actionplans:initiative_decide": [
        ("/initiativ/{initiative}/beslut/", {**workers(403, lead=404), "styrgrupp": 200}, POST),
    ],
    "admin:index": [("/admin/", {**everyone("admin-login"), "samordnare": 200})],
    # Personal API keys: each person's own; another's key is a 404.
    "api_tokens": [("/konto/api-nycklar/", signed_in(200, anonymous=LOGIN))],
    # The matrix's post has no name: the form's errors come back.
    "api_token_create": [("/konto/api-nycklar/ny/", signed_in(400, anonymous=LOGIN), POST)],
    "api_token_revoke": [
        (
            "/konto/api-nycklar/{token}/aterkalla/",
            {**signed_in(404, anonymous=LOGIN), "samordnare": 302},
            POST,
        )
    ],
    # The API, read with each role's own key (API_GET), as an integration would: the key
    # shows what its user may see, as the pages do; without one, what the public sees.
    "api_schema": [("/api/schema/", everyone(200))],
    "api_docs": [("/api/", everyone(200))],
    "api_organisations": [("/api/v1/organisations/", everyone(200), API_GET)],
    "api_decisions": [("/api/v1/decisions/", everyone(200), API_GET)],
    "api_strategies": [("/api/v1/strategies/", everyone(200), API_GET)],
    "api_strategy": [(f"/api/v1/strategies/{COUNTY}/", everyone(200), API_GET)],
    "api_collaboration_areas": [("/api/v1/collaboration-areas/", everyone(200), API_GET)],
    "api_indicators": [("/api/v1/indicators/", everyone(200), API_GET)],
    "api_plans": [("/api/v1/plans/", everyone(200), API_GET)],
    "api_plan": [
        ("/api/v1/plans/{published}/", everyone(200), API_GET),
        # A draft: those who work on the plan; to the others it does not exist.
        ("/api/v1/plans/{draft}/", {**workers(200), "anonymous": 404}, API_GET),
    ],
    "api_activities": [("/api/v1/activities/", everyone(200), API_GET)],
    "api_participations": [("/api/v1/participations/", everyone(200), API_GET)],
    "api_activity_reports": [("/api/v1/activity-reports/", everyone(200), API_GET)],
    "api_indicator_values": [
        ("/api/v1/indicator-values/", everyone(200), API_GET),
        # With a key that may enter values: only the strategy's coordinators enter them.
        ("/api/v1/indicator-values/", {**everyone(403), "samordnare": 201}, API_POST),
    ],
}


def _route_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _route_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_route_is_in_the_matrix():
    routes = {name for name in _route_names(get_resolver()) if not name.startswith("admin:")}
    missing = routes - set(MATRIX)
    assert not missing, f"routes without an entry in the authorization matrix: {missing}"
    assert not set(MATRIX) - routes - {"admin:index"}, "matrix entries for routes that are gone"


CASES = [
    (name, row[0], row[2] if len(row) > 2 else "get", role, expected)
    for name, rows in MATRIX.items()
    for row in rows
    for role, expected in row[1].items()
]


def _objects() -> dict[str, int]:
    from actionplans.models import ActionPlan, Activity

    draft = ActionPlan.objects.get(strategy__slug=COUNTY, year=2024)
    # The demo's 2024 plan awaits the steering group; the matrix checks a draft's routes.
    ActionPlan.objects.filter(pk=draft.pk).update(state=ActionPlan.State.DRAFT)
    published = ActionPlan.objects.get(strategy__slug=COUNTY, year=2023)
    project = draft.activities.get()
    infra = published.activities.filter(collaboration_area__name="Digital infrastruktur").first()
    from django.core.files.base import ContentFile

    from actionplans.models import PlanImport

    upload = PlanImport(
        plan=draft,
        uploaded_by=User.objects.get(username="samordnare"),
        original_name="plan.xlsx",
        size=1,
        sha256="0" * 64,
        state=PlanImport.State.INVALID,
    )
    upload.file.save("matrix.xlsx", ContentFile(b"x"), save=False)
    upload.save()
    from datetime import timedelta

    from django.utils import timezone

    from actionplans.models import Offer, OfferRecipient
    from portal.models import Organisation

    offer_ids = {}
    for key, slug in (("offer", "kumla-kommun"), ("nora_offer", "nora-kommun")):
        offer = Offer.objects.create(
            plan=published,
            title=f"Erbjudande {slug}",
            deadline=timezone.localdate() + timedelta(days=5),
            sent_by=User.objects.get(username="samordnare"),
        )
        offer.activities.set(published.activities.all()[:2])
        OfferRecipient.objects.create(offer=offer, organisation=Organisation.objects.get(slug=slug))
        offer_ids[key] = offer.pk
    from strategy.models import Consultation, ConsultationAnswer, ConsultationRecipient

    consultation = Consultation.objects.create(
        strategy=published.strategy,
        deadline=timezone.localdate() + timedelta(days=5),
        sent_by=User.objects.get(username="samordnare"),
    )
    consultation_recipient = ConsultationRecipient.objects.create(
        consultation=consultation, organisation=Organisation.objects.get(slug="kumla-kommun")
    )
    consultation_answer = ConsultationAnswer.objects.create(
        recipient=consultation_recipient,
        part="strategy",
        stance="agree",
        answered_by=User.objects.get(username="kontakt-kumla"),
    )
    from actionplans.models import Initiative

    initiative = Initiative.objects.create(
        strategy=draft.strategy,
        title="Matrisinitiativ",
        problem="Problem",
        expected_benefit="Nytta",
        proposed_kind="prestudy",
        organisation=Organisation.objects.get(slug="laxa-kommun"),
        submitted_by=User.objects.get(username="kontakt-laxa"),
    )
    from portal.models import AgendaItem, Meeting

    meeting = Meeting.objects.create(
        body=Body.objects.get(slug="programstyrgruppen"),
        title="Matrismöte",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    item = AgendaItem.objects.create(meeting=meeting, title="Matrispunkt", order=1)
    from strategy.models import Indicator

    indicator = Indicator.objects.create(
        strategy=draft.strategy,
        focus_area=draft.strategy.focus_areas.first(),
        title="Matrisindikator",
    )
    from portal.models import ApiToken

    token = ApiToken.objects.create(
        user=User.objects.get(username="samordnare"),
        name="Matris",
        prefix="dsp_matris",
        key_hash="0",
    )
    from portal.models import Membership

    membership = Membership.objects.get(
        user__username="strategigrupp", body__slug="strategigruppen", ended_on__isnull=True
    )
    return {
        "membership": membership.pk,
        "token": token.pk,
        "indicator": indicator.pk,
        "focus_area": draft.strategy.focus_areas.first().pk,
        "meeting": meeting.pk,
        "item": item.pk,
        "initiative": initiative.pk,
        **offer_ids,
        "consultation": consultation.pk,
        "consultation_answer": consultation_answer.pk,
        "consultation_recipient": consultation_recipient.pk,
        **_followup_objects(published, infra),
        "upload": upload.pk,
        "draft": draft.pk,
        "published": published.pk,
        "project": project.pk,
        "infra": infra.pk,
        "version": Activity.history.filter(id=project.pk).earliest("history_date").history_id,
    }


def _followup_objects(published, infra) -> dict[str, int]:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from followup.models import ActivityReport, FollowUpRound, Report

    # An open round of its own: the demo's 2023 round (the whole year) is closed.
    followup_round = FollowUpRound.objects.create(
        plan=published, year=2023, term="autumn", deadline=timezone.localdate(), opened_by=None
    )
    reports = ActivityReport.objects.bulk_create(
        ActivityReport(round=followup_round, activity=activity)
        for activity in published.activities.all()
    )
    other = next(
        r for r in reports if r.activity.collaboration_area_id != infra.collaboration_area_id
    )
    pdf = Report(round=followup_round, version=1, state=Report.State.DONE, sha256="0" * 64, pages=1)
    pdf.file.save("matrix.pdf", ContentFile(b"%PDF-1.7 matrix"), save=False)
    pdf.save()
    return {
        "round": followup_round.pk,
        "infra_report": next(r.pk for r in reports if r.activity_id == infra.pk),
        "other_report": other.pk,
        "pdf": pdf.pk,
    }


def _api_request(client, path, method, role):
    from strategy.models import Indicator
    from tests.factories import api_key_make

    headers = {}
    if role != "anonymous":
        user = User.objects.get(username=role)
        headers["HTTP_AUTHORIZATION"] = "Bearer " + api_key_make(
            user, can_write_indicator_values=True
        )
    if method == API_GET:
        return client.get(path, **headers)
    value = {
        "indicator": Indicator.objects.get(title="Matrisindikator").pk,
        "year": 2025,
        "value": "12.5",
    }
    return client.post(path, value, content_type="application/json", **headers)


@pytest.mark.parametrize(
    ("name", "path", "method", "role", "expected"),
    CASES,
    ids=[f"{role}-{method}-{path}" for _name, path, method, role, _expected in CASES],
)
def test_outcome(client, demo, name, path, method, role, expected):
    if role != "anonymous" and method not in (API_GET, API_POST):
        client.force_login(User.objects.get(username=role))
    path = path.format(**_objects())
    if method in (API_GET, API_POST):
        response = _api_request(client, path, method, role)
    elif method == POST:
        # What the page's own form sends; a refusal must come before any of it is used.
        response = client.post(path, {"comment": "Matris", "direction": "up"})
    else:
        response = client.get(path)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    elif expected == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == expected, response.content[:300]
