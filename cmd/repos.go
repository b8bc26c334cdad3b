package cmd

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/orgs"
)

func newReposCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "repos",
		Short: "List an organisation's repositories (clone URLs for keyhound git --repos-file)",
	}
	c.AddCommand(newReposGitHubCmd(env))
	return c
}

func newReposGitHubCmd(env *Env) *cobra.Command {
	var org, user, apiURL, output string
	var filter orgs.Filter
	var maxWait time.Duration
	c := &cobra.Command{
		Use:   "github (--org NAME | --user NAME)",
		Short: "List the repositories of a GitHub organisation or user, one clone URL a line",
		Long: "List, through the GitHub REST API, the repositories of an organisation (--org) or a user\n" +
			"(--user) that the token can see, one clone URL a line, for keyhound git --repos-file.\n" +
			"The token is read from $" + strings.Join(orgs.TokenEnv, ", $") + " (the first set); without one,\n" +
			"only public repositories are listed, with GitHub's anonymous rate limit. Pages are followed;\n" +
			"rate limits (primary and secondary) are waited out, up to --max-wait. For GitHub Enterprise\n" +
			"Server, --api-url https://HOST/api/v3 (default: $GITHUB_API_URL, else https://api.github.com).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (org == "") == (user == "") {
				return fmt.Errorf("give one of --org NAME or --user NAME")
			}
			gh := &orgs.GitHub{MaxWait: maxWait, Notify: func(msg string) { fmt.Fprintf(env.Stderr, "keyhound: %s\n", msg) }}
			gh.FromEnv(apiURL, env.Getenv)
			var repos []orgs.Repo
			var err error
			if org != "" {
				repos, err = gh.OrgRepos(cmd.Context(), org)
			} else {
				repos, err = gh.UserRepos(cmd.Context(), user)
			}
			if err != nil {
				return err
			}
			list, n := filter.List(repos)
			if err := writeOutput(env, output, func(w io.Writer) error { _, err := io.WriteString(w, list); return err }); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "keyhound: %d repositories listed (%d skipped)\n", n, len(repos)-n)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&org, "org", "", "the organisation")
	f.StringVar(&user, "user", "", "the user (repositories they own)")
	f.StringVar(&apiURL, "api-url", "", "API root (default $GITHUB_API_URL, else https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3)")
	f.StringVarP(&output, "output", "o", "", "write the list to `FILE` (default: standard output)")
	f.BoolVar(&filter.SSH, "ssh", false, "print ssh URLs (git@host:org/repo.git) instead of https clone URLs")
	f.BoolVar(&filter.SkipArchived, "skip-archived", false, "leave out archived repositories")
	f.BoolVar(&filter.SkipForks, "skip-forks", false, "leave out forks")
	f.DurationVar(&maxWait, "max-wait", 30*time.Minute, "give up when rate limits would make keyhound wait longer than this in all")
	return c
}
