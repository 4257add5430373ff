/* Required sections: profiles in dict/profiles/NAME.txt say which lists a
 * kind of report must contain (an annual report: achievements, problems,
 * plans; a 工作要点: plans) and which documents they apply to.  A user adds a
 * profile by adding a file; no rebuild. */
#ifndef HB_REQUIRED_H
#define HB_REQUIRED_H

#include <jansson.h>

#include "lists.h"

struct hb_profiles;

/* Reads every profiles/NAME.txt of the dict folder and its overlays into
 * *out (an overlay's NAME replaces the shipped one).  No profile at all, or
 * one that requires nothing, is an error: it would pass every report.  On
 * failure *err names the file and line. */
hb_status hb_profiles_load(const struct hb_engine *e, struct hb_profiles **out, hb_error *err);
void hb_profiles_free(struct hb_profiles *p);

/* HB_OK when `name` is a loaded profile, else HB_ERR_ARG with *err filled. */
hb_status hb_profile_check(const struct hb_engine *e, const char *name, hb_error *err);

/* Chooses the profile (d->opts.profile, else by document type and title)
 * and fills r->profile, r->missing and r->inline_only from r's lists. */
void hb_required(hb_doc *d, struct hb_lists_result *r);

/* {"profile": …, "missing": […], "inline_only": […]} */
json_t *hb_required_json(const struct hb_lists_result *r);

#endif
