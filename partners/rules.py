"""Who may do what with partners and agreements (autodiscovered by `rules`).

Object visibility is `<Model>.objects.visible_to(user)`; these permissions only decide
which actions and links a role gets. Mentors may look at partners (the ones in their own
programs, see PartnerQuerySet), nothing else here.
"""

import rules

from accounts.roles import is_admin, is_coordinator, is_mentor

manages = is_admin | is_coordinator

rules.add_perm("partners.view_partner", manages | is_mentor)
# Contacts, agreements, documents and the communication log are the coordinator's.
rules.add_perm("partners.view_partner_private", manages)
for action in ("add", "change", "delete"):
    rules.add_perm(f"partners.{action}_partner", manages)
for model in ("contact", "agreement", "agreementdocument", "communicationlog"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"partners.{action}_{model}", manages)
