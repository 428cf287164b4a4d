"""Every action, slot, form and intent name the Python code shares with domain.yml.

Rasa's naming is a contract: keeping the strings in one place means a typo fails
at import time in tests (tests/actions/test_names.py checks them against the domain).
"""

from typing import Final

# Actions
ACTION_SESSION_START: Final = "action_session_start"
ACTION_RESTART: Final = "action_restart"
ACTION_VALIDATE_SLOT_MAPPINGS: Final = "action_validate_slot_mappings"
VALIDATE_ORDER_FORM: Final = "validate_order_form"
ACTION_ORDER_FOLLOWUP: Final = "action_order_followup"
ACTION_CONFIRM_PENDING: Final = "action_confirm_pending"
ACTION_DECLINE_PENDING: Final = "action_decline_pending"
ACTION_CLARIFY: Final = "action_clarify"
ACTION_HANDOFF_TO_HUMAN: Final = "action_handoff_to_human"
ACTION_HANDBACK: Final = "action_handback"
ACTION_END_HANDOFF: Final = "action_end_handoff"
ACTION_OFFER_PERSON_LOOKUP: Final = "action_offer_person_lookup"
ACTION_LISTEN: Final = "action_listen"

ORDER_FORM: Final = "order_form"

# Slots
SLOT_GOAL: Final = "goal"
SLOT_ORDER_NUMBER: Final = "order_number"
SLOT_ORDER_VERIFIER: Final = "order_verifier"
SLOT_ORDER_VERIFIED: Final = "order_verified"
SLOT_ORDER_STATUS: Final = "order_status"
SLOT_ORDER_FACTS: Final = "order_facts"
SLOT_CUSTOMER_NAME: Final = "customer_name"
SLOT_CUSTOMER_EMAIL: Final = "customer_email"
SLOT_FAILED_FORM_ATTEMPTS: Final = "failed_form_attempts"
SLOT_FORM_GAVE_UP: Final = "form_gave_up"
SLOT_PENDING_CONFIRMATION: Final = "pending_confirmation"
SLOT_BOT_ATTEMPTS: Final = "bot_attempts"
SLOT_NLU_FALLBACK_COUNT: Final = "nlu_fallback_count"
SLOT_FRUSTRATION_SCORE: Final = "frustration_score"
SLOT_FRUSTRATION_LEVEL: Final = "frustration_level"
SLOT_FRUSTRATION_TREND: Final = "frustration_trend"
SLOT_FRUSTRATION_REASONS: Final = "frustration_reasons"
SLOT_FRUSTRATION_TIMELINE: Final = "frustration_timeline"
SLOT_FRUSTRATION_STATE: Final = "frustration_state"
SLOT_ESCALATE: Final = "escalate"
SLOT_ESCALATION_TRIGGER: Final = "escalation_trigger"
SLOT_ESCALATION_REASON: Final = "escalation_reason"
SLOT_HANDOFF_ACTIVE: Final = "handoff_active"
SLOT_HANDOFF_KEY: Final = "handoff_key"
SLOT_HANDOFF_RESOLUTION: Final = "handoff_resolution"
SLOT_REQUESTED: Final = "requested_slot"

# Slots that describe a handoff in progress: carried into a new session or
# through a restart so that the bot stays silent while a person owns the chat.
HANDOFF_SLOTS: Final = (SLOT_HANDOFF_ACTIVE, SLOT_HANDOFF_KEY)

# Intents
INTENT_REQUEST_HUMAN: Final = "request_human"
INTENT_COMPLAINT: Final = "complaint"
INTENT_END_HANDOFF: Final = "end_handoff"
INTENT_AGENT_HANDBACK: Final = "agent_handback"
INTENT_NLU_FALLBACK: Final = "nlu_fallback"
INTENT_RESTART: Final = "restart"
INTENT_SESSION_START: Final = "session_start"
INTENT_GOODBYE: Final = "goodbye"
INTENT_THANK: Final = "thank"

# Pending confirmations (values of SLOT_PENDING_CONFIRMATION)
PENDING_CANCEL: Final = "cancel_order"
PENDING_RETURN: Final = "start_return"
PENDING_HANDOFF: Final = "handoff"

SLOT_FORM_FAILURE_STREAK: Final = "form_failure_streak"
SLOT_SCORED_MESSAGE_ID: Final = "scored_message_id"
SLOT_VERIFIED_ORDER_NUMBER: Final = "verified_order_number"
SLOT_ORDER_SYSTEM_DOWN: Final = "order_system_down"
SLOT_CUSTOMER_LANGUAGE: Final = "customer_language"
SLOT_WRITES_OTHER_LANGUAGE: Final = "writes_other_language"
