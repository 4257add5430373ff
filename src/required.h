/* Required sections: profiles in dict/profiles/NAME.txt say which lists a
 * kind of report must contain (an annual report: achievements, problems,
 * plans; a 工作要点: plans) and which documents they apply to.  A user adds a
 * profile by adding a file; no rebuild. */
#ifndef HB_REQUIRED_H
#define HB_REQUIRED_H

#include "json_out.h"

#include "lists.h"

struct hb_profiles;

/* Reads every dict_dir/profiles/NAME.txt into *out (an empty set when the
 * folder is missing).  On failure *err names the file and line. */
hb_status hb_profiles_load(const char *dict_dir, struct hb_profiles **out, hb_error *err);
void hb_profiles_free(struct hb_profiles *p);

/* HB_OK when `name` is a loaded profile, else HB_ERR_ARG with *err filled. */
hb_status hb_profile_check(const struct hb_engine *e, const char *name, hb_error *err);

/* Chooses the profile (d->opts.profile, else by document type and title)
 * and fills r->profile, r->missing and r->inline_only from r's lists. */
void hb_required(hb_doc *d, struct hb_lists_result *r);

/* "required": {"profile": …, "missing": […], "inline_only": […]} */
void hb_required_json(hb_json_out *out, const struct hb_lists_result *r);

#endif
