/* Where the rules and the lexicon are when the caller names none: found as
 * the huibao command finds them, beside an uninstalled build, in a moved
 * installation's share/, else under the compiled-in HB_DATADIR. */
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

#ifndef HB_DATADIR
#define HB_DATADIR "/usr/local/share/huibao"
#endif

const char *hb_version(void)
{
    return HB_VERSION;
}

/* dir/rel of the folder holding the code that runs this: the shared
 * library, or the program the static library is linked into (whose link
 * map has no name), when that file exists.  So an uninstalled build finds
 * the source tree's dict/, and a moved installation its own share/. */
static int sibling(const char *rel, char *out, size_t cap)
{
    Dl_info info;
    struct link_map *map = NULL;
    char file[PATH_MAX];
    if (dladdr1((void *)sibling, &info, (void **)&map, RTLD_DL_LINKMAP) && map && map->l_name[0]) {
        if ((size_t)snprintf(file, sizeof file, "%s", map->l_name) >= sizeof file)
            return 0;
    } else {
        ssize_t n = readlink("/proc/self/exe", file, sizeof file - 1);
        if (n <= 0)
            return 0;
        file[n] = '\0';
    }
    char *slash = strrchr(file, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    if ((size_t)snprintf(out, cap, "%s/%s", file, rel) >= cap)
        return 0;
    struct stat st;
    return stat(out, &st) == 0;
}

char *hb_default_dict_dir(void)
{
    const char *env = getenv("HUIBAO_DICT");
    if (env && *env)
        return strdup(env);
    char buf[PATH_MAX];
    if (sibling("../dict/slogans.txt", buf, sizeof buf) && sibling("../dict", buf, sizeof buf))
        return strdup(buf); /* an uninstalled build: build/ beside dict/ */
    if (sibling("../share/huibao/dict", buf, sizeof buf))
        return strdup(buf);
    return strdup(HB_DATADIR "/dict");
}

char *hb_default_lexicon(void)
{
    const char *env = getenv("HUIBAO_LEXICON");
    if (env && *env)
        return strdup(env);
    char buf[PATH_MAX];
    if (sibling("jieba.lex", buf, sizeof buf) || sibling("../share/huibao/jieba.lex", buf, sizeof buf))
        return strdup(buf);
    return strdup(HB_DATADIR "/jieba.lex");
}


char *hb_default_rules(void)
{
    char buf[PATH_MAX];
    if (sibling("huibao.rules", buf, sizeof buf) || sibling("../share/huibao/huibao.rules", buf, sizeof buf))
        return strdup(buf);
    return strdup(HB_DATADIR "/huibao.rules");
}
